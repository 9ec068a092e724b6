// Lighthouse 12.2.3 in snapshot mode: the page loaded, waited for, then audited as it stands.
// Navigation mode cannot audit a page whose content fades in from opacity 0 in headless
// Chromium (NO_FCP), which is what academicpages' theme does.
import {startFlow} from 'lighthouse';
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
const [url, out] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const page = await browser.newPage();
await page.setViewport({width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true});
await page.goto(url, {waitUntil: 'networkidle0', timeout: 60000}).catch(() => {});
await new Promise((r) => setTimeout(r, 1500));
const flow = await startFlow(page, {config: {extends: 'lighthouse:default', settings: {onlyCategories: ['accessibility', 'best-practices', 'seo']}}});
await flow.snapshot();
const result = await flow.createFlowResult();
const lhr = result.steps[0].lhr;
fs.writeFileSync(out, JSON.stringify(lhr));
console.log(JSON.stringify(Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, v.score]))));
await browser.close();

"""Tools to compare a page Broadsheet serves with the same page from Jekyll's own build.

- ``html``: visible text, tag sequence, title and main content of two documents, as ratios.
- ``diff``: token-sequence similarity and a readable account of the first differences.
- ``static_server``: a built ``_site`` folder served on 127.0.0.1 the way GitHub Pages serves it.
- ``screenshots``: viewport screenshots of both sides in headless Chromium, compared pixel by pixel.
- ``nu``: the Nu HTML checker over many files in one JVM; errors ours has that Jekyll's has not.
- ``environment``: find Chromium and Java; skip without them locally, fail without them in CI.
"""

# frozen_string_literal: true

# The reference: renders Liquid templates with Ruby Liquid 5.4 and Jekyll 4.3's tags and filters,
# exactly as `jekyll build` would (error_mode :warn, render! so errors raise).
#
#   ruby ruby_liquid.rb CASES.json > RESULTS.json
#
# CASES.json is a list of objects:
#   template   the Liquid source
#   vars       the variables (a JSON object; see `decode` for dates, times and drops)
#   files      optional {path => text} written under the site source (e.g. "_includes/a.html")
#   config     optional settings merged into _config.yml (url, baseurl, timezone...)
#   page_path  optional page path (the `page` register include_relative resolves against)
#   filename   optional template file name, relative to the source (default "page.html")
#   layouts    optional [{template, data}] rendered after it, each with `content` set to the
#              previous output and `layout` to its data, as Jekyll's place_in_layouts does
#   stub_markdownify  when true, markdownify gives "<p>text</p>\n" (the Python tests' host)
#
# Prints a JSON list with, per case, {"output": text} or {"error": class, "message": text}.

require "json"
require "tmpdir"
require "fileutils"
require "jekyll"
require "jekyll-include-cache"

# A drop like Jekyll's own (Jekyll::Drops::Drop): values come from a hash, keys are its keys.
class TestDrop < Jekyll::Drops::Drop
  mutable false

  def fallback_data
    @obj
  end
end

# A drop with a `url` method, as Jekyll's document drops have (the URL filters use it).
class TestUrlDrop < TestDrop
  def url
    @obj["url"]
  end

  def keys
    @obj.keys
  end
end

def decode(value)
  case value
  when Array
    value.map { |item| decode(item) }
  when Hash
    case value["$t"]
    when "time" then Time.iso8601(value["v"])
    when "date" then Date.iso8601(value["v"])
    when "drop"
      data = value["v"].transform_values { |v| decode(v) }
      data.key?("url") ? TestUrlDrop.new(data) : TestDrop.new(data)
    else value.transform_values { |v| decode(v) }
    end
  else
    value
  end
end

def write_files(source, files)
  (files || {}).each do |path, text|
    full = File.join(source, path)
    FileUtils.mkdir_p(File.dirname(full))
    File.write(full, text)
  end
end

def make_site(root, config)
  source = File.join(root, "src")
  FileUtils.mkdir_p(source)
  settings = {
    "source" => source, "destination" => File.join(root, "_site"), "quiet" => true,
    "disable_disk_cache" => true
  }
  Jekyll::Site.new(Jekyll.configuration(settings.merge(config || {})))
end

# markdownify as the Python tests' fake host does it (kramdown is not what is under test here).
module StubMarkdownify
  def markdownify(input)
    "<p>#{input}</p>\n"
  end
end

def render_layouts(site, spec, vars, info, output)
  (spec["layouts"] || []).each_with_index do |layout, index|
    vars["content"] = output
    vars["layout"] = decode(layout["data"] || {})
    path = File.join(site.source, "_layouts", "layout#{index}.html")
    output = site.liquid_renderer.file(path).parse(layout["template"]).render!(vars, info).to_s
  end
  output
end

def render_case(spec, root)
  ENV["TZ"] = (spec["config"] || {})["timezone"] || "UTC"
  site = make_site(root, spec["config"])
  write_files(site.source, spec["files"])
  JekyllIncludeCache.reset
  vars = decode(spec["vars"] || {})
  page = vars["page"].is_a?(Hash) ? vars["page"].dup : {}
  page["path"] = spec["page_path"] if spec["page_path"]
  path = File.join(site.source, spec["filename"] || "page.html")
  template = site.liquid_renderer.file(path).parse(spec["template"])
  info = { registers: { site: site, page: page }, strict_filters: false, strict_variables: false }
  info[:filters] = [StubMarkdownify] if spec["stub_markdownify"]
  output = template.render!(vars, info).to_s
  { "output" => render_layouts(site, spec, vars, info, output) }
rescue Exception => e # rubocop:disable Lint/RescueException (tags raise ScriptError too)
  { "error" => e.class.name, "message" => e.message.to_s.encode("UTF-8", invalid: :replace) }
end

cases = JSON.parse(File.read(ARGV.fetch(0)))
results = cases.each_with_index.map do |spec, index|
  Dir.mktmpdir("liquid-case-#{index}-") { |root| render_case(spec, root) }
end
puts JSON.generate(results)

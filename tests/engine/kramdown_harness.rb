# frozen_string_literal: true

# The reference for handler.engine.markdown: kramdown 2.4 exactly as Jekyll 4.3 calls it
# (Jekyll's KramdownParser, its default options and rouge), many inputs in one Ruby process.
#
#   ruby kramdown_harness.rb convert CASES.json > RESULTS.json
#     CASES.json is a list of {"text": markdown, "kramdown": {site kramdown options}}; prints a
#     list with, per case, {"html": output} or {"error": message}.
#
#   ruby kramdown_harness.rb sites SOURCE... > RESULTS.json
#     Builds each Jekyll site (into a temporary folder) and prints, per SOURCE, every markdown
#     conversion its build made, in order: {"path": the document's relative path (an excerpt's
#     ends in "/#excerpt"), or "markdownify" for the filter; "input": the text after Liquid;
#     "html": kramdown's output; "kramdown": the site's kramdown options; "liquid_error": true
#     when the document's Liquid failed (its text is then converted as it was)}.
#     A missing include renders as nothing (the corpus stubs some includes).
#
#   ruby kramdown_harness.rb serve
#     One case per line on stdin ({"text": ..., "kramdown": {...}}), one result per line on
#     stdout, as "convert" gives it (the differential test's shrinker asks many in a row).

require "json"
require "tmpdir"
require "jekyll"

# Jekyll's markdown converter for a site `kramdown:` mapping, over Jekyll's defaults.
def converter_for(options, cache)
  key = JSON.generate(options)
  cache[key] ||= begin
    config = Jekyll::Configuration.from("kramdown" => options)
    Jekyll::Converters::Markdown::KramdownParser.new(config)
  end
end

def convert_case(item, cache)
  { "html" => converter_for(item["kramdown"] || {}, cache).convert(item["text"]) }
rescue StandardError, SystemStackError => e # a self-referring ALD recurses forever
  { "error" => "#{e.class}: #{e.message}" }
end

def convert_cases(path)
  cache = {}
  JSON.parse(File.read(path, :encoding => "utf-8")).map { |item| convert_case(item, cache) }
end

def serve
  cache = {}
  $stdin.set_encoding("utf-8")
  $stdin.each_line do |line|
    $stdout.write(JSON.generate(convert_case(JSON.parse(line), cache)), "\n")
    $stdout.flush
  end
end

# Records what each markdown conversion of a build took and gave.
module Recorder
  @records = []
  @current = nil
  @failed = {}
  class << self
    attr_accessor :records, :current, :failed
  end

  # Around Jekyll::Renderer: the document whose content is being converted (any other
  # conversion is the markdownify filter's), and whose Liquid failed.
  module Renderer
    def convert(content)
      Recorder.current = document.relative_path
      super
    ensure
      Recorder.current = nil
    end

    def render_liquid(content, *args)
      super
    rescue StandardError
      Recorder.failed[document.relative_path] = true
      content
    end
  end

  # Around Jekyll::Converters::Markdown#convert.
  module Markdown
    def convert(content)
      html = super
      path = Recorder.current || "markdownify"
      Recorder.records << {
        "path" => path,
        "input" => content,
        "html" => html,
        "liquid_error" => Recorder.failed.key?(path),
      }
      html
    end
  end

  # Around Jekyll::Tags::IncludeTag: a missing include renders as nothing.
  module Include
    def locate_include_file(*args)
      super
    rescue IOError
      nil
    end

    def render(context)
      super
    rescue NoMethodError, TypeError
      ""
    end
  end
end

def convert_sites(sources)
  Jekyll::Tags::IncludeTag.prepend(Recorder::Include)
  Jekyll::Renderer.prepend(Recorder::Renderer)
  Jekyll::Converters::Markdown.prepend(Recorder::Markdown)
  Jekyll.logger.log_level = :error
  sources.to_h do |source|
    source = File.expand_path(source)
    Recorder.records = []
    Recorder.failed = {}
    Jekyll::Cache.base_cache.each_value(&:clear) # one site's conversions are not the next one's
    Dir.mktmpdir do |dest|
      config = Jekyll.configuration(
        "source" => source, "destination" => dest, "quiet" => true, "disable_disk_cache" => true
      )
      Jekyll::Site.new(config).process
    end
    options = Jekyll.configuration("source" => source, "quiet" => true)["kramdown"]
    Recorder.records.each { |record| record["kramdown"] = options }
    [source, Recorder.records]
  end
end

mode, *paths = ARGV
results = case mode
          when "convert" then convert_cases(paths.first)
          when "sites" then convert_sites(paths)
          when "serve" then serve
          else abort "usage: ruby kramdown_harness.rb convert CASES.json | sites SOURCE... | serve"
          end
$stdout.write(JSON.generate(results)) unless mode == "serve"

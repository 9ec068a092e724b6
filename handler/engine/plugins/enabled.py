"""Which plugins run for a site: the ones it lists, and the ones GitHub Pages turns on for every
site it builds, less those a site's own settings turn off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# github-pages gem's DEFAULT_PLUGINS that change a site's output.
GITHUB_PAGES_DEFAULTS = frozenset(
    {
        "jekyll-coffeescript", "jekyll-default-layout", "jekyll-gist",
        "jekyll-github-metadata", "jekyll-optional-front-matter", "jekyll-paginate",
        "jekyll-readme-index", "jekyll-titles-from-headings", "jekyll-relative-links",
    }
)  # fmt: skip
# Each plugin's configuration key, where ``enabled: false`` turns it off.
CONFIG_KEYS = {
    "jekyll-optional-front-matter": "optional_front_matter",
    "jekyll-titles-from-headings": "titles_from_headings",
    "jekyll-relative-links": "relative_links",
    "jekyll-readme-index": "readme_index",
}


def enabled_plugins(
    config: Mapping[str, object], plugins: Iterable[str], *, github_pages: bool
) -> frozenset[str]:
    """The plugins that run for a site: listed ones, GitHub Pages' defaults, less disabled."""
    names = set(plugins)
    if github_pages:
        names |= GITHUB_PAGES_DEFAULTS
    for name, key in CONFIG_KEYS.items():
        settings = config.get(key)
        if isinstance(settings, Mapping) and settings.get("enabled") is False:
            names.discard(name)
    return frozenset(names)

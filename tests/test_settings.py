"""Settings come from a mapping passed in, with types checked and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from handler.settings import CachePolicy, Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_mapping({})
    assert settings.content_bucket is None
    assert settings.content_dir == Path("content")
    assert settings.index_ttl == 5.0
    assert settings.index_key == "_broadsheet/index.json"
    assert settings.cache_policy == CachePolicy()


def test_values_from_the_environment() -> None:
    settings = Settings.from_mapping(
        {
            "CONTENT_BUCKET": "my-blog",
            "CONTENT_PREFIX": "/site/",
            "SITE_URL": "https://blog.example.com/",
            "INDEX_TTL": "2.5",
            "CACHE_MAX_BYTES": "1048576",
            "SHOW_DRAFTS": "true",
            "CACHE_CONTROL_POST": "public, max-age=5",
        }
    )
    assert settings.content_bucket == "my-blog"
    assert settings.content_prefix == "site/"
    assert settings.site_url == "https://blog.example.com"
    assert settings.index_ttl == 2.5
    assert settings.cache_max_bytes == 1048576
    assert settings.show_drafts is True
    assert settings.cache_policy.post == "public, max-age=5"
    assert settings.cache_policy.listing == CachePolicy().listing


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"INDEX_TTL": "soon"}, "INDEX_TTL='soon' is not a number"),
        ({"INDEX_TTL": "-1"}, "must not be negative"),
        ({"SHOW_DRAFTS": "maybe"}, "SHOW_DRAFTS='maybe' is not a boolean"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_mapping(env)

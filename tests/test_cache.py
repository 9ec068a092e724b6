"""The render cache: bounded by bytes, least recently used out first."""

from __future__ import annotations

from dataclasses import dataclass

from handler.cache import RenderCache


@dataclass(frozen=True)
class Blob:
    size: int


def test_bounded_by_bytes_lru_first() -> None:
    cache: RenderCache[Blob] = RenderCache(max_bytes=100)
    cache.put("a", Blob(40))
    cache.put("b", Blob(40))
    assert cache.get("a") == Blob(40)  # "a" is now the most recently used
    cache.put("c", Blob(40))  # over 100: "b" goes
    assert cache.get("b") is None
    assert cache.get("a") == Blob(40) and cache.get("c") == Blob(40)
    assert cache.bytes == 80 and len(cache) == 2


def test_replacing_a_key_recounts_its_bytes() -> None:
    cache: RenderCache[Blob] = RenderCache(max_bytes=100)
    cache.put("a", Blob(90))
    cache.put("a", Blob(10))
    assert cache.bytes == 10
    cache.put("b", Blob(90))
    assert cache.get("a") == Blob(10) and cache.bytes == 100


def test_a_value_larger_than_the_cache_is_not_kept() -> None:
    cache: RenderCache[Blob] = RenderCache(max_bytes=10)
    cache.put("small", Blob(5))
    cache.put("huge", Blob(11))
    assert cache.get("huge") is None and cache.get("small") == Blob(5)


def test_counts_hits_and_misses() -> None:
    cache: RenderCache[Blob] = RenderCache(max_bytes=10)
    cache.put("a", Blob(1))
    cache.get("a")
    cache.get("b")
    assert (cache.hits, cache.misses) == (1, 1)
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0

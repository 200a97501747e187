"""The caches of parsed and validated documents are bounded by count and by the texts' size:
a client sending many large distinct documents cannot make the process hold them all."""

from schema.guards import PARSED, TextCache


def _cache(size: int, text: int) -> TextCache[str, int]:
    return TextCache(lambda key: key, size=size, text=text)


def test_the_oldest_text_goes_once_the_texts_together_are_over_the_size() -> None:
    cache = _cache(size=10, text=10)
    cache.put("aaaa", 1)
    cache.put("bbbb", 2)
    assert cache.get("aaaa") == 1  # now the most recently used
    cache.put("cccc", 3)  # 12 characters: the least recently used ("bbbb") goes
    assert (cache.get("aaaa"), cache.get("bbbb"), cache.get("cccc")) == (1, None, 3)
    assert len(cache) == 2


def test_the_oldest_text_goes_once_there_are_too_many() -> None:
    cache = _cache(size=2, text=1_000)
    for number, text in enumerate(["a", "b", "c"]):
        cache.put(text, number)
    assert [cache.get(text) for text in ["a", "b", "c"]] == [None, 1, 2]


def test_a_text_larger_than_the_whole_cache_is_not_kept_and_pushes_nothing_out() -> None:
    cache = _cache(size=10, text=10)
    cache.put("aaaa", 1)
    cache.put("x" * 11, 2)
    assert (cache.get("aaaa"), cache.get("x" * 11), len(cache)) == (1, None, 1)


def test_a_text_put_twice_is_counted_once() -> None:
    cache = _cache(size=10, text=10)
    cache.put("aaaaaa", 1)
    cache.put("aaaaaa", 1)
    cache.put("bbbb", 2)  # 6 + 4 = 10 characters: both fit
    assert (cache.get("aaaaaa"), cache.get("bbbb")) == (1, 2)


def test_the_parsed_documents_are_bounded_by_the_size_of_their_texts() -> None:
    assert (PARSED.size, PARSED.text) == (256, 1_000_000)

"""The compiled-pattern cache of `carbon_card._regex`: a pattern read back from the cache file
matches as `re.compile`'s does, and a file this build did not write is ignored."""

from __future__ import annotations

import marshal
import re
import sys

import pytest

from carbon_card import _regex

pytestmark = pytest.mark.skipif(_regex._compiler is None, reason="the cache needs Python 3.11's re internals")

PATTERNS = [
    (r"(?<![\w.])(?P<count>\d{1,3}(?:,\d{3})+|\d+)\s*(?P<unit>k?g|t)\b", re.IGNORECASE),
    (r"^\s*\|?\s*(gpu|tpu)s?\s*\|", re.MULTILINE),
    (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD]", 0),
    (r"co2|carbon|emission(?:s)?|kwh", 0),
]
TEXT = "Trained on 8 A100 GPUs: 1,234 KG of CO2, 12 kWh.\n| GPU | hours |\n| x | 3 |\u0007"


@pytest.fixture
def cache_file(tmp_path, monkeypatch):
    path = tmp_path / "cache" / "_regex.patterns"
    monkeypatch.setattr(_regex, "_cache_path", lambda: str(path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return path


def test_a_pattern_from_the_cache_matches_as_re_compile_does(cache_file):
    writer = _regex._Cache()
    for pattern, flags in PATTERNS:
        writer.compile(pattern, flags)
    writer.write()
    assert cache_file.exists()

    reader = _regex._Cache()
    assert set(reader.entries) == {(pattern, int(flags)) for pattern, flags in PATTERNS}
    for pattern, flags in PATTERNS:
        cached, fresh = reader.compile(pattern, flags), re.compile(pattern, flags)
        assert cached == fresh  # the same flags and code
        assert cached.groupindex == fresh.groupindex
        assert [m.groupdict() or m.group(0) for m in cached.finditer(TEXT)] == \
               [m.groupdict() or m.group(0) for m in fresh.finditer(TEXT)]
    assert not reader.added  # every one came from the file


@pytest.mark.parametrize("content", [b"", b"not marshal", marshal.dumps((("another python",), {("a", 0): ()})),
                                     marshal.dumps([1, 2, 3])])
def test_a_file_this_build_did_not_write_is_ignored(cache_file, content):
    cache_file.parent.mkdir()
    cache_file.write_bytes(content)
    cache = _regex._Cache()
    assert cache.entries == {}
    assert cache.compile("a+b", 0).fullmatch("aab")


def test_nothing_is_written_when_bytecode_is_not(cache_file, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = _regex._Cache()
    assert cache.compile("x+y", 0).fullmatch("xxy")
    cache.write()  # what exit would do: nothing was registered, but a call must not write either
    assert not cache_file.exists()


def test_lazy_patterns_compile_on_first_use():
    pattern = _regex.lazy_compile(r"(\d+)\s*kwh", re.IGNORECASE)
    assert pattern.search("used 12 kWh").group(1) == "12"
    assert pattern.findall("1 kwh, 2 KWH") == ["1", "2"]


def test_a_damaged_entry_is_compiled_afresh(cache_file):
    cache_file.parent.mkdir()
    header = _regex._Cache().header
    cache_file.write_bytes(marshal.dumps((header, {("a+b", 0): (32, [1, 2, 3], 0, {}, (None,))})))
    cache = _regex._Cache()
    assert ("a+b", 0) in cache.entries
    assert cache.compile("a+b", 0) == re.compile("a+b")

"""The one rule from a URL to its output file, and its fast path for plain URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.urls import output_path


def output_path_by_segments(url: str) -> str:
    """The rule spelled out segment by segment, as the fast path must agree with."""
    if not url.startswith("/"):
        raise ValueError(url)
    parts = [p for p in url.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(url)
    if url.endswith("/"):
        parts.append("index.html")
    return "/".join(parts)


@pytest.mark.parametrize("url, path", [
    ("/", "index.html"), ("/nasional/", "nasional/index.html"), ("/feed.xml", "feed.xml"),
    ("/tag/pemilu-2024/page/2/", "tag/pemilu-2024/page/2/index.html"), ("//a//b/", "a/b/index.html"),
    ("/.well-known/x.txt", ".well-known/x.txt"), ("/a/b.", "a/b."),
])
def test_a_url_maps_to_its_file(url: str, path: str) -> None:
    assert output_path(url) == path


@pytest.mark.parametrize("url", ["nasional/", "/a/../b/", "/./", "/a/.."])
def test_a_url_that_is_not_site_absolute_or_leaves_the_output_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        output_path(url)


@given(st.lists(st.sampled_from(["a", "b", "", ".", "..", ".x", "x.", "é", "index.html"]), max_size=6),
       st.booleans(), st.booleans())
def test_every_url_maps_as_its_segments_say(segments: list[str], absolute: bool, trailing: bool) -> None:
    url = ("/" if absolute else "") + "/".join(segments) + ("/" if trailing else "")
    try:
        expected: str | None = output_path_by_segments(url)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            output_path(url)
    else:
        assert output_path(url) == expected

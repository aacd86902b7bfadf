"""Byte-exact surgery on real saved pages: find an element's extent, split a container into its children.

The snapshot pages of Euronews, DW, BBC News and VOA are the real saved pages with parts cut out and
values replaced; everything else stays byte for byte, so these helpers work on the source text itself
(offsets), never on a re-serialized tree.
"""

# ruff: noqa: E501

from __future__ import annotations

import re

VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
# a comment, a script/style element (whose content is not markup), or a start/end tag (quoted values may hold >)
_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\1\s*>"
    r"|<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)


def element_end(text: str, start: int) -> int:
    """The offset just after the element whose start tag begins at ``start``."""
    first = _TOKEN.match(text, start)
    if first is None:
        raise ValueError(f"no tag at offset {start}")
    if first.group(1) or first.group(4).rstrip().endswith("/") or first.group(3).lower() in VOID:
        return first.end()
    depth = 0
    for token in _TOKEN.finditer(text, start):
        if token.group(1) or token.group(3) is None:
            continue
        name = token.group(3).lower()
        if name in VOID or token.group(4).rstrip().endswith("/"):
            continue
        depth += -1 if token.group(2) else 1
        if depth == 0:
            return token.end()
    raise ValueError(f"element at offset {start} is not closed")


def find_start(text: str, marker: str, count: int = 1) -> int:
    """The offset of the ``<`` of the tag holding ``marker``, which must occur ``count`` times."""
    found = text.count(marker)
    if found != count:
        raise ValueError(f"{marker!r} occurs {found} times, expected {count}")
    return text.rfind("<", 0, text.index(marker) + 1)


def cut(text: str, marker: str) -> str:
    """``text`` without every element whose start tag holds ``marker`` (at least one)."""
    find_start(text, marker, max(1, text.count(marker)))
    while marker in text:
        start = find_start(text, marker, text.count(marker))
        text = text[:start] + text[element_end(text, start) :]
    return text


def children(text: str, start: int) -> tuple[int, int, list[tuple[int, int]]]:
    """(inner start, inner end, child element extents) of the element starting at ``start``."""
    first = _TOKEN.match(text, start)
    if first is None:
        raise ValueError(f"no tag at offset {start}")
    inner_start = first.end()
    inner_end = element_end(text, start)
    inner_end = text.rfind("</", 0, inner_end)
    out: list[tuple[int, int]] = []
    pos = inner_start
    while True:
        token = _TOKEN.search(text, pos, inner_end)
        if token is None:
            break
        if token.group(2):
            raise ValueError(f"unbalanced end tag at {token.start()}")
        end = token.end() if token.group(0).startswith("<!--") else element_end(text, token.start())
        if not token.group(0).startswith("<!--"):
            out.append((token.start(), end))
        pos = end
    return inner_start, inner_end, out


def strip_elements(text: str, pattern: str) -> str:
    """``text`` without every element matched by the start-tag regex ``pattern`` (scripts, styles, SVGs)."""
    while True:
        match = re.search(pattern, text)
        if match is None:
            return text
        text = text[: match.start()] + text[element_end(text, match.start()) :]

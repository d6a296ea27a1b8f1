"""Markdown to prose blocks with exact source positions.

markdown-it-py gives line ranges for blocks only; inline children carry no positions. Each prose
block therefore keeps a list of *pieces* ``(text_start, source_start, length)``: runs of its
prose text that stand contiguously in the source, so any prose offset maps back to a source
offset. Code, raw HTML, URLs, math and front matter never reach the prose text; front matter is
kept as data and ``<!-- termlint … -->`` comments are kept as directives.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .directives import Directive, parse_directives
from .errors import TermlintError
from .source import SourceText

#: Stands in for inline code and images in prose so sentences stay grammatical.
PLACEHOLDER = "X"
MAX_NESTING = 400


@dataclass
class Link:
    """A Markdown link inside a prose block: the linked text range and its target."""

    start: int
    end: int
    href: str


class ProseBlock:
    """One paragraph, heading, table cell or footnote paragraph, as prose.

    The prose text, its pieces and links are built on first use: most blocks of a long
    document hold no glossary term and are never read.
    """

    __slots__ = ("index", "kind", "line", "end_line", "heading_level", "heading_path",
                 "in_quote", "raw", "_build", "_text", "_pieces", "_links")

    def __init__(self, index: int, kind: str, line: int, raw: str, build=None, *,
                 heading_level: int = 0, heading_path: tuple[int, ...] = (),
                 in_quote: bool = False, end_line: int = 0, text: str | None = None,
                 pieces: list[tuple[int, int, int]] | None = None,
                 links: list[Link] | None = None):
        self.index = index
        self.kind = kind
        self.line = line
        self.end_line = end_line or line  # last source line (1-based, inclusive)
        self.raw = raw  # the block's Markdown source text, for cheap searches
        self.heading_level = heading_level
        self.heading_path = heading_path
        self.in_quote = in_quote
        self._build = build
        self._text, self._pieces, self._links = text, pieces, links

    def _materialize(self) -> None:
        if self._text is None:
            if self._build is None:
                self._text, self._pieces, self._links = "", [], []
            else:
                self._text, self._pieces, self._links = self._build()
                self._build = None

    @property
    def text(self) -> str:
        self._materialize()
        return self._text

    @property
    def pieces(self) -> list[tuple[int, int, int]]:
        self._materialize()
        return self._pieces

    @property
    def links(self) -> list[Link]:
        self._materialize()
        return self._links

    def source_offset(self, text_index: int) -> int:
        """Source offset of a prose-text index (the nearest mapped character)."""
        pieces = self.pieces
        if not pieces:
            return 0
        starts = [p[0] for p in pieces]
        i = max(0, bisect.bisect_right(starts, text_index) - 1)
        text_start, source_start, length = pieces[i]
        return source_start + min(text_index - text_start, length)


@dataclass
class MarkdownDoc:
    """The parts of a document the linter reads."""

    source: SourceText
    blocks: list[ProseBlock]
    front_matter: dict[str, Any] | None
    front_matter_line: int
    directives: list[Directive]
    title_block: int | None

    def heading_text(self, index: int) -> str:
        return self.blocks[index].text


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(dollarmath_plugin)
    md.options["maxNesting"] = MAX_NESTING
    # Inline parsing is most of markdown-it's work and most blocks hold no glossary term:
    # blocks are parsed inline only when the linter reads their prose (see _inline_children).
    # Without inline parsing no footnote reference is seen, so footnote_tail would drop every
    # footnote body; it is switched off and bodies stay where they are written.
    md.core.ruler.disable(["inline", "text_join", "footnote_tail"])
    return md


_LONE_CR = re.compile(r"\r(?!\n)")


def parse_markdown(source: SourceText) -> MarkdownDoc:
    """Parse a document into prose blocks, front matter and directives."""
    text = _LONE_CR.sub("\n", source.text) if "\r" in source.text else source.text
    _check_nesting(text, source.path)
    try:
        env: dict = {}
        tokens = _parser().parse(text, env)
    except RecursionError:
        raise TermlintError(
            "Markdown nested too deeply to read (lists or quotes nested hundreds of levels)",
            source.path) from None
    doc = _Walker(source, text, tokens, env).walk()
    if doc.front_matter is None and _UNCLOSED_FRONT_MATTER.match(text):
        raise TermlintError("front matter opened on line 1 is never closed: add a line '---' "
                            "after it", source.path, 1)
    return doc


_UNCLOSED_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n[A-Za-z_][\w-]*[ \t]*:")


_NEST_PREFIX = re.compile(r"^[ \t]*(?:(?:[>*+-]|\d{1,9}[.)])[ \t]*){200,}", re.M)


def _check_nesting(text: str, path: str) -> None:
    """Refuse pathologically nested containers with a clear message, before the parser."""
    if _NEST_PREFIX.search(text):
        raise TermlintError(
            "Markdown nested too deeply to read (a line opens 200 or more lists or quotes)", path)


class _Walker:
    def __init__(self, source: SourceText, text: str, tokens: list, env: dict | None = None):
        self.source = source
        self.env = {} if env is None else env
        self.text = text
        self.tokens = tokens
        starts = [0]
        pos = text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.line_starts = starts
        self.line_cursor: dict[int, int] = {}
        self.blocks: list[ProseBlock] = []
        self.directives: list[Directive] = []
        self.front_matter: dict[str, Any] | None = None
        self.front_matter_line = 0

    def line_text(self, index: int) -> str:
        start = self.line_starts[index]
        end = self.line_starts[index + 1] if index + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\n").rstrip("\r")

    def walk(self) -> MarkdownDoc:
        quote_depth = 0
        footnote_depth = 0
        headings: list[tuple[int, int]] = []  # (level, block index)
        pending_heading = 0
        pending_kind = "paragraph"
        title_block = None
        for tok in self.tokens:
            ttype = tok.type
            if ttype == "blockquote_open":
                quote_depth += 1
            elif ttype == "blockquote_close":
                quote_depth -= 1
            elif ttype in ("footnote_open", "footnote_reference_open"):
                footnote_depth += 1
            elif ttype in ("footnote_close", "footnote_reference_close"):
                footnote_depth -= 1
            elif ttype == "heading_open":
                pending_heading = int(tok.tag[1:])
            elif ttype in ("th_open", "td_open"):
                pending_kind = "table_cell"
            elif ttype == "front_matter":
                self._front_matter(tok)
            elif ttype == "html_block":
                self._html(tok.content, self._block_offset(tok), tok.content)
            elif ttype == "inline" and tok.map is not None:
                kind = ("heading" if pending_heading else
                        "footnote" if footnote_depth else pending_kind)
                path = tuple(i for _, i in headings)
                # Cells share source lines: find their origins now, left to right.
                origins = self._content_line_origins(tok) if kind == "table_cell" else None
                block = ProseBlock(
                    len(self.blocks), kind, tok.map[0] + 1, tok.content,
                    (lambda tok=tok, o=origins: self._inline_prose(tok, o)),
                    heading_level=pending_heading, end_line=tok.map[1],
                    heading_path=path, in_quote=quote_depth > 0)
                self.blocks.append(block)
                if "termlint" in tok.content:  # directives in inline HTML are read now
                    block.text  # noqa: B018 - builds the block, collecting its directives
                if pending_heading:
                    while headings and headings[-1][0] >= pending_heading:
                        headings.pop()
                    headings.append((pending_heading, block.index))
                    if title_block is None and pending_heading == 1 and not any(
                            b.kind != "heading" for b in self.blocks[:-1]):
                        title_block = block.index
                pending_heading = 0
                pending_kind = "paragraph"
        if self.front_matter and isinstance(self.front_matter.get("title"), str):
            title_block = None
        return MarkdownDoc(self.source, self.blocks, self.front_matter, self.front_matter_line,
                           self.directives, title_block)

    # -- pieces of the walk ----------------------------------------------------------------

    def _block_offset(self, tok) -> int:
        return self.line_starts[tok.map[0]] if tok.map else 0

    def _front_matter(self, tok) -> None:
        from .yamlio import load_yaml

        first_line = tok.map[0] if tok.map else 0
        closing = self.line_text(tok.map[1] - 1).strip() if tok.map else ""
        if not closing.startswith("---") or (tok.map and tok.map[1] - 1 == first_line):
            raise TermlintError("front matter is not closed: add a line '---' after it",
                                self.source.path, first_line + 1)
        self.front_matter_line = first_line + 1
        data = load_yaml(tok.content, self.source.path, line_offset=first_line + 1)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise TermlintError("front matter must be a YAML mapping (key: value lines)",
                                self.source.path, first_line + 2)
        self.front_matter = data

    def _html(self, content: str, base_offset: int, raw: str) -> None:
        if "termlint" not in content:
            return
        for directive in parse_directives(content, base_offset):
            directive.line = self.source.line_col(directive.offset)[0]
            self.directives.append(directive)

    def _content_line_origins(self, tok) -> list[int]:
        """Source offset of the first character of each line of ``tok.content``."""
        origins = []
        for i, content_line in enumerate(tok.content.split("\n")):
            line_index = tok.map[0] + i
            if line_index >= len(self.line_starts):
                origins.append(len(self.text))
                continue
            src_line = self.line_text(line_index)
            min_col = self.line_cursor.get(line_index, 0)
            col = src_line.find(content_line, min_col) if content_line else min_col
            if col < 0:
                stripped = content_line.lstrip(" \t")
                found = src_line.find(stripped, min_col) if stripped else -1
                col = found - (len(content_line) - len(stripped)) if found >= 0 else min_col
            self.line_cursor[line_index] = max(col, 0) + len(content_line)
            origins.append(self.line_starts[line_index] + col)
        return origins

    def _inline_prose(self, tok, origins: list[int] | None = None
                      ) -> tuple[str, list[tuple[int, int, int]], list[Link]]:
        """The prose text of one inline token, its source pieces and its links."""
        content = tok.content
        if origins is None:
            origins = self._content_line_origins(tok)
        line_starts_in_content = [0]
        for i, ch in enumerate(content):
            if ch == "\n":
                line_starts_in_content.append(i + 1)

        def to_source(ci: int) -> int:
            li = bisect.bisect_right(line_starts_in_content, ci) - 1
            return origins[li] + (ci - line_starts_in_content[li])

        out: list[str] = []
        pieces: list[tuple[int, int, int]] = []
        links: list[Link] = []
        out_len = 0
        cursor = 0
        link_stack: list[tuple[int, str, bool]] = []
        skipping_autolink = False

        def emit(text_piece: str, content_index: int | None) -> None:
            nonlocal out_len
            if not text_piece:
                return
            if content_index is not None:
                src = to_source(content_index)
                if pieces and pieces[-1][0] + pieces[-1][2] == out_len and \
                        pieces[-1][1] + pieces[-1][2] == src:
                    last = pieces[-1]
                    pieces[-1] = (last[0], last[1], last[2] + len(text_piece))
                else:
                    pieces.append((out_len, src, len(text_piece)))
            out.append(text_piece)
            out_len += len(text_piece)

        for child in self._inline_children(tok):
            ctype = child.type
            if skipping_autolink:
                if ctype == "link_close":
                    skipping_autolink = False
                    cursor = _skip_past(content, ">", cursor)
                continue
            if ctype in ("text", "text_special"):
                cursor = self._emit_text(child.content, content, cursor, emit)
            elif ctype == "softbreak" or ctype == "hardbreak":
                nl = content.find("\n", cursor)
                if nl < 0:
                    emit(" ", None)
                else:
                    emit(" ", nl)
                    cursor = nl + 1
            elif ctype == "code_inline" or ctype == "math_inline" or ctype == "math_inline_double":
                cursor = _skip_delimited(content, child.markup, cursor)
                emit(PLACEHOLDER, None)
            elif ctype == "link_open":
                if child.markup == "autolink" or child.info == "auto":
                    skipping_autolink = True
                    cursor = _skip_past(content, "<", cursor)
                    emit(PLACEHOLDER, None)
                    continue
                cursor = _skip_past(content, "[", cursor)
                link_stack.append((out_len, str(child.attrs.get("href", "")), False))
            elif ctype == "link_close":
                if link_stack:
                    start, href, _ = link_stack.pop()
                    links.append(Link(start, out_len, href))
                cursor = _skip_link_tail(content, cursor)
            elif ctype == "image":
                start = content.find("![", cursor)
                if start >= 0:
                    cursor = _skip_link_tail(content, _skip_brackets(content, start + 1))
                emit(PLACEHOLDER, None)
            elif ctype == "html_inline":
                pos = content.find(child.content, cursor)
                if pos >= 0:
                    self._html(child.content, to_source(pos), child.content)
                    cursor = pos + len(child.content)
            elif ctype == "footnote_ref":
                pos = content.find("[^", cursor)
                if pos >= 0:
                    cursor = _skip_past(content, "]", pos)
            # emphasis and strikethrough markers carry no text; later finds skip them
        return "".join(out), pieces, links

    def _inline_children(self, tok) -> list:
        """The inline tokens of a block, parsed now if the core parse skipped them."""
        if not tok.children and tok.content:
            md = _parser()
            children: list = []
            try:
                md.inline.parse(tok.content, md, self.env, children)
            except RecursionError:
                raise TermlintError("Markdown nested too deeply to read (inline markup)",
                                    self.source.path, tok.map[0] + 1 if tok.map else None
                                    ) from None
            tok.children = children
        return tok.children

    def _emit_text(self, piece: str, content: str, cursor: int, emit) -> int:
        pos = content.find(piece, cursor)
        if pos >= 0 and "\n" not in content[cursor:pos]:
            emit(piece, pos)
            return pos + len(piece)
        # Escapes (\*) and entities (&amp;) make the text differ from its source: align it.
        for ch, index, next_cursor in _align(piece, content, cursor):
            emit(ch, index)
            cursor = next_cursor
        return cursor


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _align(piece: str, content: str, cursor: int):
    """Map each character of decoded text to its source position, tolerating escapes.

    Yields ``(char, source_index_or_None, next_cursor)``.
    """
    ci = cursor
    n = len(content)
    for ch in piece:
        scan = ci
        hit = None
        while scan < n:
            c = content[scan]
            if c == ch:
                hit = (scan, scan + 1)
                break
            if c == "\\" and scan + 1 < n and content[scan + 1] == ch:
                hit = (scan + 1, scan + 2)
                break
            if c == "&":
                m = _ENTITY.match(content, scan)
                if m and html.unescape(m.group()) == ch:
                    hit = (scan, m.end())  # one character stands for the whole entity
                    break
            if c == "\n":
                break
            scan += 1
        if hit is None:
            yield ch, None, ci
        else:
            ci = hit[1]
            yield ch, hit[0], ci


def _skip_past(content: str, marker: str, cursor: int) -> int:
    pos = content.find(marker, cursor)
    return cursor if pos < 0 else pos + len(marker)


def _skip_delimited(content: str, markup: str, cursor: int) -> int:
    if not markup:
        return cursor
    start = content.find(markup, cursor)
    if start < 0:
        return cursor
    end = start + len(markup)
    while True:
        close = content.find(markup, end)
        if close < 0:
            return start + len(markup)
        after = close + len(markup)
        if markup[0] == "`" and after < len(content) and content[after] == "`":
            end = after
            while end < len(content) and content[end] == "`":
                end += 1
            continue
        return after


def _skip_brackets(content: str, open_pos: int) -> int:
    """Given the index of '[', return the index just past its matching ']'."""
    depth = 0
    i = open_pos
    while i < len(content):
        c = content[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(content)


def _skip_link_tail(content: str, cursor: int) -> int:
    """Skip ``](url "title")``, ``][ref]`` or ``]`` after a link's text."""
    close = content.find("]", cursor)
    if close < 0:
        return cursor
    i = close + 1
    if i < len(content) and content[i] == "(":
        depth = 0
        quote = None
        while i < len(content):
            c = content[i]
            if c == "\\":
                i += 2
                continue
            if quote:
                if c == quote:
                    quote = None
            elif c in "\"'" and depth == 1:
                quote = c
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return close + 1
    if i < len(content) and content[i] == "[":
        end = content.find("]", i)
        return end + 1 if end >= 0 else i
    return i

"""Markdown to prose blocks with exact source positions.

markdown-it-py gives line ranges for blocks only; inline children carry no positions. Each prose
block therefore keeps a list of *pieces* ``(text_start, source_start, length)``: runs of its
prose text that stand contiguously in the source, so any prose offset maps back to a source
offset. Code, raw HTML, URLs, math and front matter never reach the prose text; front matter is
kept as data and ``<!-- termlint … -->`` comments are kept as directives.
"""

from __future__ import annotations

import bisect
import gc
import html
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import TermlintError
from ..model import NO_ITEMS, Directive, Link, SourceText, compact_numbers, line_starts
from .directives import parse_directives

#: Stands in for inline code and images in prose so sentences stay grammatical.
PLACEHOLDER = "X"
#: markdown-it's nesting limit, for containers and inline markup alike: 80 lists or 160 quotes
#: inside each other. Deeper inline markup is read as text; deeper containers are an error.
#: Each level costs a few Python stack frames, and 160 leaves room under the recursion limit
#: however deep the caller's stack already is.
MAX_NESTING = 160
_TOO_DEEP = (
    f"Markdown nested too deeply to read (more than {MAX_NESTING // 2} lists or "
    f"{MAX_NESTING} quotes inside each other)"
)


class ProseBlock:
    """One paragraph, heading, table cell or footnote paragraph, as prose.

    The prose text, its pieces and links are built on first use: most blocks of a long
    document hold no glossary term and are never read.
    """

    __slots__ = (
        "index",
        "kind",
        "line",
        "end_line",
        "heading_level",
        "heading_path",
        "in_quote",
        "raw",
        "_build",
        "_origins",
        "_text",
        "_pieces",
        "_links",
    )

    def __init__(
        self,
        index: int,
        kind: str,
        line: int,
        raw: str,
        build=None,
        *,
        heading_level: int = 0,
        heading_path: tuple[int, ...] = (),
        in_quote: bool = False,
        end_line: int = 0,
        text: str | None = None,
        pieces: list[tuple[int, int, int]] | None = None,
        links: list[Link] | None = None,
        origins: list[int] | None = None,
    ):
        self.index = index
        self.kind = kind
        self.line = line
        self.end_line = end_line or line  # last source line (1-based, inclusive)
        self.raw = raw  # the block's Markdown source text, for cheap searches
        self.heading_level = heading_level
        self.heading_path = heading_path
        self.in_quote = in_quote
        self._build = build  # a callable, or the _Walker that parses this block's inlines
        self._origins = origins
        self._text, self._links = text, links
        self._pieces: list[tuple[int, int, int]] | array | None = pieces

    def _materialize(self) -> None:
        if self._text is None:
            if self._build is None:
                self._text, self._pieces, self._links = "", [], []
            elif isinstance(self._build, BlockList):
                text, pieces, links = self._build.walker._inline_prose(self)
                self._text, self._links = text, links
                self._pieces = self._build.keep(self.index, text, pieces, links)
                # its Markdown source was read only to build the prose: a long document
                # would otherwise keep every block's source twice over
                self.raw = ""
            else:
                self._text, self._pieces, self._links = self._build()
            self._build = self._origins = None

    @property
    def text(self) -> str:
        self._materialize()
        assert self._text is not None
        return self._text

    @property
    def pieces(self) -> list[tuple[int, int, int]]:
        """``(text start, source start, length)`` of each run of prose copied from the source."""
        numbers = self._packed_pieces()
        return list(zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=True))

    def _packed_pieces(self) -> array:
        # kept as one array of numbers, three a piece: a list of tuples of boxed numbers was
        # a good part of what a long document's blocks kept
        self._materialize()
        pieces: Any = self._pieces
        if not isinstance(pieces, array):
            pieces = self._pieces = compact_numbers([n for piece in pieces for n in piece])
        return pieces

    @property
    def links(self) -> list[Link]:
        self._materialize()
        assert self._links is not None
        return self._links

    def source_offset(self, text_index: int) -> int:
        """Source offset of a prose-text index (the nearest mapped character)."""
        numbers = self._packed_pieces()
        if not numbers:
            return 0
        i = max(0, bisect.bisect_right(numbers[0::3], text_index) - 1)
        text_start, source_start, length = numbers[3 * i : 3 * i + 3]
        return source_start + min(text_index - text_start, length)


_KINDS = ("paragraph", "heading", "table_cell", "footnote")


class BlockList(Sequence):
    """A document's prose blocks, stored compactly.

    A long document has a million blocks, and a ProseBlock object for each took more memory
    than the text. Here each block is its Markdown source, five numbers and a byte until its
    prose is built, then its prose: the pieces array alone where the prose is a verbatim run
    of the source (most paragraphs), else (text, pieces, links). The ProseBlock is made when
    asked for; the latest RECENT_KEPT are kept, as uses are read in document order.
    """

    RECENT_KEPT = 256

    def __init__(self, walker: _Walker):
        self.walker = walker
        self.raw: list[str] = []
        self.lines = array("l")
        self.end_lines = array("l")
        self.flags = bytearray()  # kind index | in_quote << 2 | heading level << 3
        self.path_ids = array("l")
        self.paths: list[tuple[int, ...]] = []
        self.origins = array("q")  # a table cell's first source offset, else -1
        self.prose: list[Any] = []  # per block: None until built, then see keep()
        self.recent: dict[int, ProseBlock] = {}

    def append(
        self,
        kind: str,
        line: int,
        end_line: int,
        raw: str,
        heading_level: int,
        heading_path: tuple[int, ...],
        in_quote: bool,
        origin: int,
    ) -> int:
        if not self.paths or self.paths[-1] is not heading_path:
            self.paths.append(heading_path)
        self.raw.append(raw)
        self.prose.append(None)
        self.lines.append(line)
        self.end_lines.append(end_line)
        self.flags.append(_KINDS.index(kind) | in_quote << 2 | heading_level << 3)
        self.path_ids.append(len(self.paths) - 1)
        self.origins.append(origin)
        return len(self.raw) - 1

    def line_spans(self) -> list[tuple[int, int, int]]:
        """``(first line, last line, index)`` of every block, without making block objects."""
        return list(zip(self.lines, self.end_lines, range(len(self.raw)), strict=True))

    def __len__(self) -> int:
        return len(self.raw)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.raw)
        block = self.recent.get(index)
        if block is not None:
            return block
        flags = self.flags[index]
        origin = self.origins[index]
        block = ProseBlock(
            index,
            _KINDS[flags & 3],
            self.lines[index],
            self.raw[index],
            self,
            heading_level=flags >> 3,
            end_line=self.end_lines[index],
            heading_path=self.paths[self.path_ids[index]],
            in_quote=bool(flags & 4),
            origins=None if origin < 0 else [origin],
        )
        prose = self.prose[index]
        if prose is not None:
            if isinstance(prose, array):  # a verbatim run of the source (see keep)
                start, length = prose[1], prose[2]
                prose = (self.walker.source.text[start : start + length], prose, NO_ITEMS)
            block.raw = ""
            block._build = block._origins = None
            block._text, block._pieces, block._links = prose
        recent = self.recent
        if len(recent) >= self.RECENT_KEPT:
            del recent[next(iter(recent))]
        recent[index] = block
        return block

    def keep(self, index: int, text: str, pieces: list[tuple[int, int, int]], links) -> array:
        """Keep a block's built prose (its source is dropped); returns the packed pieces."""
        packed = compact_numbers([n for piece in pieces for n in piece])
        verbatim = (
            not links
            and len(packed) == 3
            and packed[0] == 0
            and packed[2] == len(text)
            and self.walker.source.text.startswith(text, packed[1])
        )
        self.prose[index] = packed if verbatim else (text, packed, links)
        self.raw[index] = ""
        return packed

    def __iter__(self):
        for i in range(len(self.raw)):
            yield self[i]


@dataclass
class MarkdownDoc:
    """The parts of a document the linter reads."""

    source: SourceText
    blocks: Sequence[ProseBlock]
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
    # The front matter rule checks only that the document starts with "-", so "- x --" on
    # the first line (a list item) was read as front matter: it must start at column 0.
    rule = md.block.ruler.__rules__[md.block.ruler.__find__("front_matter")]
    front_matter = rule.fn

    def front_matter_at_start(state, start_line: int, end_line: int, silent: bool) -> bool:
        return state.bMarks[start_line] + state.tShift[start_line] == 0 and front_matter(
            state, start_line, end_line, silent
        )

    md.block.ruler.at("front_matter", front_matter_at_start, {"alt": list(rule.alt)})
    # Inline parsing is most of markdown-it's work and most blocks hold no glossary term:
    # blocks are parsed inline only when the linter reads their prose (see _inline_children).
    # Without inline parsing no footnote reference is seen, so footnote_tail would drop every
    # footnote body; it is switched off and bodies stay where they are written.
    md.core.ruler.disable(["inline", "text_join", "footnote_tail"])
    return md


_LONE_CR = re.compile(r"\r(?!\n)")


def parse_markdown(source: SourceText) -> MarkdownDoc:
    """Parse a document into prose blocks, front matter and directives."""
    # markdown-it allocates millions of small objects and makes no reference cycles: the
    # cyclic garbage collector would only slow it down, by half on a large document.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_markdown(source)
    finally:
        if collecting:
            gc.enable()


def _parse_markdown(source: SourceText) -> MarkdownDoc:
    # What markdown-it's normalize step does, done here so offsets agree with its content.
    text = _LONE_CR.sub("\n", source.text) if "\r" in source.text else source.text
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    _check_nesting(text, source.path)
    env: dict = {}
    walker = _Walker(source, text, env)
    sections = _Sections(text)
    begin, first_line = 0, 0
    while True:
        end = sections.end(begin)
        section = text[begin:end]
        tokens = _parse_section(section, first_line, env, source.path)
        while end < len(text) and _runs_on(tokens, section, text, end):
            end = sections.end(begin, after=end)  # a block runs on: a longer section
            section = text[begin:end]
            tokens = _parse_section(section, first_line, env, source.path)
        if first_line:
            for tok in tokens:
                if tok.map:
                    tok.map = [tok.map[0] + first_line, tok.map[1] + first_line]
        walker.walk(tokens)
        del tokens
        if end >= len(text):
            break
        begin, first_line = end, first_line + section.count("\n")
    doc = walker.finish()
    if doc.front_matter is None and _UNCLOSED_FRONT_MATTER.match(text):
        raise TermlintError(
            "front matter opened on line 1 is never closed: add a line '---' after it",
            source.path,
            1,
        )
    return doc


def _check_termlint_settings(data: dict, path: str, line: int) -> None:
    """The shape of front matter's ``termlint:`` key, checked before anything quotes it: every
    declared term and sense is a plain name (an alias-built list is refused here, in a short
    message). An empty ``senses:`` is no declaration, as an empty ``termlint:`` is."""
    from ..errors import quote

    settings = data.get("termlint")
    if not isinstance(settings, dict):
        return
    if "senses" in settings and settings["senses"] is None:
        settings["senses"] = {}
    senses = settings.get("senses")
    if not isinstance(senses, dict):
        return
    for term_id, sense_id in senses.items():
        key_line = getattr(senses, "key_lines", {}).get(term_id)
        where = line + key_line if key_line else line
        if not isinstance(term_id, str):
            raise TermlintError(
                f"front matter 'termlint: senses:' keys must be term names, got {quote(term_id)}",
                path,
                where,
            )
        if not isinstance(sense_id, str):
            raise TermlintError(
                f"the sense declared for {quote(term_id)} must be a sense id "
                f"(a name), got {quote(sense_id)}",
                path,
                where,
            )


def _parse_section(section: str, first_line: int, env: dict, path: str) -> list:
    """markdown-it's block tokens for one section (line maps relative to the section)."""
    try:
        tokens = _parser().parse(section, env)
    except RecursionError:
        raise TermlintError(_TOO_DEEP, path) from None
    # At MAX_NESTING markdown-it silently skips the rest of the document: say so instead.
    deepest = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
    if deepest is not None:
        raise TermlintError(
            _TOO_DEEP, path, deepest.map[0] + 1 + first_line if deepest.map else None
        )
    return tokens


#: A document longer than this is parsed in sections of about this size, so markdown-it's
#: tokens (some 40 bytes of memory for every byte of Markdown) exist for one section at a time.
SECTION_SIZE = 1 << 20

#: Where a section may start: a line at column 0 after a blank line. Only fenced code, $$ math
#: and HTML blocks such as comments reach over such a line (lists, quotes, footnotes,
#: paragraphs and indented code all end there): _Sections skips the places inside the common
#: ones, and a section whose tokens show it ends inside one is made longer (_runs_on). Not at
#: "---", which would read as front matter.
_SECTION_START = re.compile(r"\n[ \t]*\r?\n(?![ \t\r\n]|---)")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
# dollarmath's $$ block ignores indentation: one opened in a list item or a footnote runs on
# past the end of it, to the next line ending in $$. Its openers are therefore looked for
# after any indentation, list markers and footnote labels (not after ">": a quote's block
# stops at the quote's end).
_MATH_OPENER = (
    r"[ \t]*(?:[*+-][ \t]+|\d{1,9}[.)][ \t]+|\[\^[^\]\n]*\]:[ \t]*)*"
    r"(\$\$)"
)
_OPENER = re.compile(r"^(?: {0,3}(`{3,}|~{3,})| {0,3}(<!--)|" + _MATH_OPENER + ")", re.M)
_MATH_CLOSE = re.compile(r"\$\$[ \t]*(?:\([^\n]*\))?[ \t]*\r?$", re.M)
_MATH_LINE = re.compile("^" + _MATH_OPENER, re.M)
_RUNS_ON = frozenset(
    {"fence", "code_block", "html_block", "math_block", "math_block_label", "front_matter"}
)


class _Sections:
    """Where each section ends, never inside a top-level fence, $$ block or HTML comment.

    A forward scan of the lines that open and close those blocks, kept between calls.
    """

    def __init__(self, text: str):
        self.text = text
        self.pos = 0  # scanned up to here (a line start)
        self.open_until = -1  # the block open at self.pos ends here (-1: none is open)

    def end(self, begin: int, after: int = 0) -> int:
        """Where the section starting at ``begin`` ends: the whole rest of most documents."""
        text = self.text
        if len(text) - begin < 2 * SECTION_SIZE:
            return len(text)
        search_from = max(begin + SECTION_SIZE, after)
        if begin == 0 and text.startswith("---"):  # no section ends inside the front matter
            close = _FRONT_MATTER_END.search(text, 4)
            search_from = max(search_from, close.end() if close else 0)
        while True:
            m = _SECTION_START.search(text, search_from)
            if m is None or len(text) - m.end() < SECTION_SIZE:
                return len(text)
            inside = self._open_at(m.end())
            if inside < 0:
                return m.end()
            search_from = inside  # after the block that is open there

    def _open_at(self, pos: int) -> int:
        """-1 if no block is open at ``pos``, else where the open block ends."""
        text = self.text
        while True:
            if self.open_until >= 0:
                if pos < self.open_until:
                    return self.open_until
                self.pos, self.open_until = self.open_until, -1
            m = _OPENER.search(text, self.pos, pos)
            if m is None:
                self.pos = max(self.pos, pos)
                return -1
            line_end = text.find("\n", m.start())
            line_end = len(text) if line_end < 0 else line_end + 1
            self.pos = line_end
            self.open_until = self._close(m, line_end)

    def _close(self, m: re.Match[str], line_end: int) -> int:
        """Where the block opened by ``m`` ends (after its closing line), or -1 if it is
        closed on its own line or is no block."""
        text = self.text
        fence, _comment, math = m.groups()
        line = text[m.end() : line_end]
        if fence:
            if fence[0] == "`" and "`" in line:
                return -1  # not a fence: a backtick in its info string
            close = re.compile(
                rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$", re.M
            ).search(text, line_end)
        elif math:
            stripped = line.strip()
            if stripped.endswith("$$") or "$$" in stripped:
                return -1  # closed on its own line, or not a block
            close = _MATH_CLOSE.search(text, line_end)
            if close is None:
                return -1  # never closed: not a block (a paragraph)
        else:
            if "-->" in line:
                return -1
            close = re.compile("-->").search(text, line_end)
        if close is None:
            return len(text)
        end = text.find("\n", close.end())
        return len(text) if end < 0 else end + 1


def _runs_on(tokens: list, section: str, text: str, end: int) -> bool:
    """Whether a block of the section may go on after it: it reaches the section's last line,
    or a $$ line did not become math and a line closing it comes later in the document."""
    lines = section.count("\n")
    if any(tok.map and tok.map[1] >= lines and tok.type in _RUNS_ON for tok in tokens):
        return True
    if "$$" in section and _MATH_CLOSE.search(text, end):
        math = [tok.map for tok in tokens if tok.type.startswith("math_block") and tok.map]
        for m in _MATH_LINE.finditer(section):
            line = section.count("\n", 0, m.start())
            line_end = section.find("\n", m.end(1))
            rest = section[m.end(1) :] if line_end < 0 else section[m.end(1) : line_end]
            if "$$" not in rest and not any(a <= line < b for a, b in math):
                return True
    return False


_UNCLOSED_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n[A-Za-z_][\w-]*[ \t]*:")


_NEST_PREFIX = re.compile(r"^[ \t]*(?:(?:[>*+-]|\d{1,9}[.)])[ \t]*){200,}", re.M)


def _check_nesting(text: str, path: str) -> None:
    """Refuse pathologically nested containers with a clear message, before the parser."""
    if _NEST_PREFIX.search(text):
        raise TermlintError(
            "Markdown nested too deeply to read (a line opens 200 or more lists or quotes)", path
        )


class _Walker:
    def __init__(self, source: SourceText, text: str, env: dict | None = None):
        self.source = source
        self.env = {} if env is None else env
        self.text = text
        self.line_starts = source.line_starts if text is source.text else line_starts(text)
        self.line_cursor: dict[int, int] = {}
        self.blocks = BlockList(self)
        self.directives: list[Directive] = []
        self.front_matter: dict[str, Any] | None = None
        self.front_matter_line = 0
        self.quote_depth = 0
        self.footnote_depth = 0
        self.headings: list[tuple[int, int]] = []  # (level, block index)
        self.heading_path: tuple[int, ...] = ()
        self.pending_heading = 0
        self.pending_kind = "paragraph"
        self.title_block: int | None = None
        self.only_headings = True  # no block but headings so far
        self.with_directives: list[int] = []

    def line_text(self, index: int) -> str:
        start = self.line_starts[index]
        end = self.line_starts[index + 1] if index + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\n").rstrip("\r")

    def walk(self, tokens: list) -> None:
        """Read one section's block tokens."""
        for tok in tokens:
            ttype = tok.type
            if ttype == "blockquote_open":
                self.quote_depth += 1
            elif ttype == "blockquote_close":
                self.quote_depth -= 1
            elif ttype in ("footnote_open", "footnote_reference_open"):
                self.footnote_depth += 1
            elif ttype in ("footnote_close", "footnote_reference_close"):
                self.footnote_depth -= 1
            elif ttype == "heading_open":
                self.pending_heading = int(tok.tag[1:])
            elif ttype in ("th_open", "td_open"):
                self.pending_kind = "table_cell"
            elif ttype == "front_matter":
                self._front_matter(tok)
            elif ttype == "html_block":
                self._check_comment_closed(tok)
                if "termlint" in tok.content:
                    self._html(
                        tok.content, self._content_mapper(tok.content, tok.map[0], tok.map[1])
                    )
            elif ttype == "inline" and tok.map is not None:
                self._inline_block(tok)

    def _inline_block(self, tok) -> None:
        pending_heading = self.pending_heading
        kind = (
            "heading"
            if pending_heading
            else "footnote"
            if self.footnote_depth
            else self.pending_kind
        )
        origin = -1
        if kind == "table_cell":
            # The table parser turns an escaped pipe into a bare one; put the
            # backslash back so the cell's content is its source text again.
            if "|" in tok.content:
                tok.content = tok.content.replace("|", "\\|")
            # Cells share source lines: find their origins now, left to right. A cell is
            # always one line.
            [origin] = self._content_line_origins(
                tok.content, tok.map[0], tok.map[0] + 1, cell=True
            )
        index = self.blocks.append(
            kind,
            tok.map[0] + 1,
            tok.map[1],
            tok.content,
            pending_heading,
            self.heading_path,
            self.quote_depth > 0,
            origin,
        )
        if "termlint" in tok.content:  # may hold directives in inline HTML: read at the end
            self.with_directives.append(index)
        if pending_heading:
            headings = self.headings
            while headings and headings[-1][0] >= pending_heading:
                headings.pop()
            headings.append((pending_heading, index))
            self.heading_path = tuple(i for _, i in headings)
            if self.title_block is None and pending_heading == 1 and self.only_headings:
                self.title_block = index
        else:
            self.only_headings = False
        self.pending_heading = 0
        self.pending_kind = "paragraph"

    def finish(self) -> MarkdownDoc:
        # Built once every section is parsed, so references and footnotes defined further
        # down are known, as they are to the blocks built later.
        for index in self.with_directives:
            self.blocks[index].text  # noqa: B018 - builds the block, collecting its directives
        self.directives.sort(key=lambda d: d.offset)
        title_block = self.title_block
        if self.front_matter and isinstance(self.front_matter.get("title"), str):
            title_block = None
        doc = MarkdownDoc(
            self.source,
            self.blocks,
            self.front_matter,
            self.front_matter_line,
            self.directives,
            title_block,
        )
        del self.blocks  # the blocks point at the walker: no cycle back to them
        return doc

    # -- pieces of the walk ----------------------------------------------------------------

    def _front_matter(self, tok) -> None:
        from ..project.yamlio import load_yaml

        first_line = tok.map[0] if tok.map else 0
        closing = self.line_text(tok.map[1] - 1).strip() if tok.map else ""
        if not closing.startswith(("---", "...")) or (tok.map and tok.map[1] - 1 == first_line):
            raise TermlintError(
                "front matter is not closed: add a line '---' after it",
                self.source.path,
                first_line + 1,
            )
        self.front_matter_line = first_line + 1
        data = load_yaml(tok.content, self.source.path, line_offset=first_line + 1, aliases=True)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise TermlintError(
                "front matter must be a YAML mapping (key: value lines)",
                self.source.path,
                first_line + 2,
            )
        _check_termlint_settings(data, self.source.path, first_line + 1)
        self.front_matter = data

    def _check_comment_closed(self, tok) -> None:
        """An HTML comment never closed hides the rest of the document (CommonMark), from
        termlint too: refused as unclosed front matter is, instead of a silent pass."""
        content = tok.content
        if (
            tok.map
            and content.lstrip(" ").startswith("<!--")
            and "-->" not in content
            and tok.map[1] >= len(self.line_starts) - (self.text.endswith(("\n", "\r")))
        ):
            raise TermlintError(
                "HTML comment opened here is never closed, so it hides the rest "
                "of the document (close it with -->)",
                self.source.path,
                tok.map[0] + 1,
            )

    def _html(self, content: str, to_source) -> None:
        """Read directive comments in raw HTML; ``to_source`` maps content to source offsets.

        Content in a quote or list has lost its ``>`` and indentation on every line, so
        offsets are mapped line by line, not from one base offset.
        """
        if "termlint" not in content:
            return
        for directive in parse_directives(content, 0):
            directive.offset, directive.end_offset = (
                to_source(directive.offset),
                to_source(directive.end_offset - 1) + 1,
            )
            directive.line = self.source.line_col(directive.offset)[0]
            self.directives.append(directive)

    def _content_mapper(self, content: str, map0: int, map1: int, origins: list[int] | None = None):
        """A function from an index in a token's content (source lines ``map0`` up to
        ``map1``) to the source offset it came from."""
        if origins is None:
            origins = self._content_line_origins(content, map0, map1)
        line_starts_in_content = [0]
        pos = content.find("\n")
        while pos != -1:
            line_starts_in_content.append(pos + 1)
            pos = content.find("\n", pos + 1)

        def to_source(ci: int) -> int:
            li = bisect.bisect_right(line_starts_in_content, ci) - 1
            return origins[li] + (ci - line_starts_in_content[li])

        return to_source

    def _lines_end_with(self, content_lines: list[str], first: int) -> bool:
        """Whether (the first few) content lines end source lines ``first``, ``first+1``…"""
        for i, content_line in enumerate(content_lines[:4]):
            tail = content_line.rstrip()
            src = self.line_text(first + i)
            if not tail:  # a line of characters Python calls whitespace ("\x1e"): as written
                inner = content_line.strip(" \t")
                if inner and inner not in src:
                    return False
                continue
            src = src.rstrip()
            if not src.endswith(tail) and tail.lstrip() not in src:
                return False
        return True

    def _content_line_origins(
        self, content: str, map0: int, map1: int, cell: bool = False
    ) -> list[int]:
        """Source offset of the first character of each line of a token's content.

        A content line is its source line less the quote markers and indentation of its
        containers, so it ends the source line (``- 2) x`` holds ``x``, not the ``)``).
        Table cells share a line: they are found left to right instead.
        """
        origins = []
        content_lines = content.split("\n")
        first = map0
        spare = min(map1, len(self.line_starts)) - map0 - len(content_lines)
        if spare > 0 and not cell:
            # The paragraph rule trims its content of Unicode whitespace, which also drops
            # whole lines of it (a line holding only a no-break space) at its start or end:
            # the content starts where its lines are the ends of the source lines.
            first = next(
                (
                    map0 + k
                    for k in range(spare + 1)
                    if self._lines_end_with(content_lines, map0 + k)
                ),
                map0,
            )
        for i, content_line in enumerate(content_lines):
            line_index = first + i
            if line_index >= len(self.line_starts):
                origins.append(len(self.text))
                continue
            src_line = self.line_text(line_index)
            min_col = self.line_cursor.get(line_index, 0)
            col = -1
            tail = content_line.rstrip()
            if not cell and tail and src_line.rstrip().endswith(tail):
                col = len(src_line.rstrip()) - len(tail)
            elif content_line:
                col = src_line.find(content_line, min_col)
            else:
                col = min_col
            if col < 0:
                stripped = content_line.lstrip(" \t")
                found = src_line.find(stripped, min_col) if stripped else -1
                col = found - (len(content_line) - len(stripped)) if found >= 0 else min_col
            self.line_cursor[line_index] = max(col, 0) + len(content_line)
            origins.append(self.line_starts[line_index] + col)
        return origins

    def _inline_prose(  # noqa: C901 - one walk over markdown-it tokens; split it with care (issue 18)
        self, block: ProseBlock
    ) -> tuple[str, list[tuple[int, int, int]], list[Link]]:
        """The prose text of one block's inline content, its source pieces and its links."""
        content = block.raw
        origins = block._origins
        if origins is None:
            origins = self._content_line_origins(content, block.line - 1, block.end_line)
        if "\n" not in content and _INLINE_MARKUP.search(content) is None:
            # One line of plain text (see _plain_children): its prose is its content, one
            # run of the source from its first character.
            return content, [(0, origins[0], len(content))] if content else [], NO_ITEMS
        to_source = self._content_mapper(content, block.line - 1, block.end_line, origins)
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
                if (
                    pieces
                    and pieces[-1][0] + pieces[-1][2] == out_len
                    and pieces[-1][1] + pieces[-1][2] == src
                ):
                    last = pieces[-1]
                    pieces[-1] = (last[0], last[1], last[2] + len(text_piece))
                else:
                    pieces.append((out_len, src, len(text_piece)))
            out.append(text_piece)
            out_len += len(text_piece)

        def read(children: list) -> None:  # noqa: C901 - see _inline_prose
            nonlocal cursor, skipping_autolink
            for index, child in enumerate(children):
                ctype = child.type
                if skipping_autolink:
                    if ctype == "link_close":
                        skipping_autolink = False
                        cursor = _skip_past(content, ">", cursor)
                    continue
                if ctype == "text":
                    cursor = self._emit_text(child.content, content, cursor, emit)
                elif ctype == "text_special":
                    cursor = self._emit_special(child, content, cursor, emit)
                elif ctype == "softbreak" or ctype == "hardbreak":
                    nl = content.find("\n", cursor)
                    if nl < 0:
                        emit(" ", None)
                    else:
                        emit(" ", nl)
                        cursor = nl + 1
                elif ctype in ("code_inline", "math_inline", "math_inline_double"):
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
                    cursor = _link_tail_end(content, cursor, children, index)
                elif ctype == "image":
                    start = content.find("![", cursor)
                    if start >= 0:
                        cursor = _link_tail_end(
                            content, _skip_brackets(content, start + 1) - 1, children, index
                        )
                    emit(PLACEHOLDER, None)
                elif ctype == "html_inline":
                    pos = content.find(child.content, cursor)
                    if pos >= 0:
                        self._html(child.content, lambda i, pos=pos: to_source(pos + i))
                        cursor = pos + len(child.content)
                elif ctype == "footnote_ref":
                    if "label" in child.meta:  # [^label]
                        pos = content.find("[^", cursor)
                        if pos >= 0:
                            cursor = _skip_past(content, "]", pos)
                    else:  # an inline footnote, ^[text]: its text is read where it stands
                        pos = content.find("^[", cursor)
                        if pos >= 0:
                            end = _skip_brackets(content, pos + 1)
                            note = (
                                self.env.get("footnotes", {})
                                .get("list", {})
                                .get(child.meta.get("id"), {})
                            )
                            emit(" ", None)
                            cursor = pos + 2
                            read(note.get("tokens") or [])  # noqa: F821 - deleted after use
                            emit(" ", None)
                            cursor = max(cursor, end)
                # emphasis and strikethrough markers carry no text; later finds skip them

        read(self._inline_children(content, block.line))
        # `read` calls itself (inline footnotes), so its closure refers to it: without this,
        # every block read would leave a reference cycle (walker, text and all) for the
        # cyclic collector to find.
        del read
        return "".join(out), pieces, links or NO_ITEMS  # most blocks link nothing: one shared empty

    def _inline_children(self, content: str, line: int) -> list:
        """The inline tokens of a block (the core parse skipped them: see _parser).

        Content with no character that can start inline markup (most headings, list items
        and table cells, many paragraphs) is split here instead: markdown-it would make
        the same text and break tokens after trying each of its rules at every stop.
        """
        if _INLINE_MARKUP.search(content) is None:
            return _plain_children(content)
        children: list = []
        if content:
            md = _parser()
            try:
                md.inline.parse(content, md, self.env, children)
            except RecursionError:
                raise TermlintError(
                    "Markdown nested too deeply to read (inline markup)", self.source.path, line
                ) from None
        return children

    def _emit_special(self, child, content: str, cursor: int, emit) -> int:
        """An escape (``\\*``) or entity (``&#42;``): its text is not its source."""
        markup = child.markup or child.content
        pos = content.find(markup, cursor)
        if pos < 0 or "\n" in content[cursor:pos]:
            return self._emit_text(child.content, content, cursor, emit)
        if markup == child.content:
            emit(child.content, pos)
        elif markup == "\\" + child.content:
            emit(child.content, pos + 1)
        else:
            emit(child.content, None)  # an entity: no source character is its text
        return pos + len(markup)

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


#: The characters that can start an inline token other than text and line breaks, for the
#: rules this parser runs: escapes, code, emphasis and strikethrough, links and images,
#: footnotes (``[^``, ``^[``), autolinks and HTML, entities, math. Every other character,
#: including the rest of markdown-it's text terminators, ends up as plain text.
_INLINE_MARKUP = re.compile(r"[\\`*_~\[!^<&$]")


class _PlainToken:
    """A text or line-break token of content with no inline markup: the two fields the walk
    reads of markdown-it's Token."""

    __slots__ = ("type", "content")

    def __init__(self, type: str, content: str = ""):
        self.type = type
        self.content = content


_SOFTBREAK = _PlainToken("softbreak")
_HARDBREAK = _PlainToken("hardbreak")


def _plain_children(content: str) -> list:
    """The inline tokens markdown-it makes of content with no inline markup (see
    ``_INLINE_MARKUP``): a text token a line, and between lines the break its ``newline``
    rule makes. That rule drops a line's trailing spaces (two or more make a hard break,
    one a soft break) and skips the next line's leading spaces and tabs; an empty run of
    text makes no token."""
    if "\n" not in content:
        return [_PlainToken("text", content)] if content else []
    children: list = []
    lines = content.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if i:
            line = line.lstrip(" \t")
        if i == last:
            if line:
                children.append(_PlainToken("text", line))
            break
        brk = _SOFTBREAK
        if line.endswith("  "):
            line, brk = line.rstrip(" "), _HARDBREAK
        elif line.endswith(" "):
            line = line[:-1]
        if line:
            children.append(_PlainToken("text", line))
        children.append(brk)
    return children


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _align(piece: str, content: str, cursor: int):
    """Map each character of decoded text to its source position, tolerating escapes.

    Yields ``(char, source_index_or_None, next_cursor)``.
    """
    ci = cursor
    n = len(content)
    for ch in piece:
        scan = ci
        hit: tuple[int | None, int] | None = None
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
                    # one character stands for the whole entity: it maps to no source text
                    hit = (None, m.end())
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


def _link_tail_end(content: str, cursor: int, children: list, index: int) -> int:
    """Where the text after a link's ``]`` resumes: past ``(url)`` or ``[label]`` if the link
    used them, right after the ``]`` if it did not (a shortcut reference ``[ref]`` followed by
    ``[not a label]`` or ``(not a destination)``). The next text token tells them apart."""
    end = _skip_link_tail(content, cursor)
    close = content.find("]", cursor)
    if close < 0 or end == close + 1:
        return end
    probe = []  # the source text of the tokens that follow, as far as it is verbatim
    for nxt in children[index + 1 : index + 6]:
        if nxt.type in ("text", "html_inline"):
            probe.append(nxt.content)
        elif nxt.type == "text_special":
            probe.append(nxt.markup or nxt.content)
        else:
            break
    after = "".join(probe)
    if after and not content.startswith(after, end) and content.startswith(after, close + 1):
        return close + 1
    return end


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

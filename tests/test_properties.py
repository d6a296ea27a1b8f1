"""Property tests: random Markdown never crashes the linter and every position maps back.

Documents are built from the pieces real drafts are made of — headings, nested lists and
quotes, tables, fenced and indented code, raw HTML, front matter, footnotes, links, escapes,
CRLF or LF, non-ASCII and combining characters — with glossary terms sprinkled through them.
A second family of inputs is plain random text over Markdown's punctuation, for the parser
paths no structured generator thinks of.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from termlint.document.markdown import parse_markdown
from termlint.errors import TermlintError
from termlint.model import SourceText
from termlint.pipeline import lint_source

#: More examples for a long hunt: TERMLINT_PROPERTY_EXAMPLES=5000 pytest tests/test_properties.py
EXAMPLES = int(os.environ.get("TERMLINT_PROPERTY_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- pieces of Markdown ------------------------------------------------------------------

TERMS = [
    "scheming",
    "Scheming",
    "schemer",
    "schemers",
    "SCHEMING",
    "alignment faking",
    "alignment-faking",
    "Alignment Faking",
    "sandbagging",
    "sandbagged",
    "in-context scheming",
    "deceptive alignment",
    "deceptively aligned",
    "P(scheming)",
    "reward hacking",
    "training-gamer",
    "schemes",
    "scheme",
    "Ponzi scheme",
]
WORDS = [
    "the",
    "a",
    "model",
    "models",
    "AI",
    "labs",
    "should",
    "prepare",
    "for",
    "before",
    "it",
    "might",
    "that",
    "which",
    "we",
    "mean",
    "by",
    "word",
    "power",
    "training",
    "worst-case",
    "chain-of-thought",
    "persona",
    "plotting",
    "by scheming I mean",
    "café",
    "naïve",
    "日本語",
    "e\u0301",
    "Ａｉ",
    "שלום",
    "💡",
    "x\u200dy",
    "a\u00a0b",
    "Ⅻ",
    "ﬁ",
    "ß",
    "İ",
    "\u2028",
    "—",
    "“quoted”",
    "'single'",
    "1.",
    "2)",
    "#",
    "|",
    "\\",
    "`",
    "$",
    "&",
    "<",
    ">",
    "*",
    "_",
    "~",
    "[",
    "]",
    "(",
    ")",
    "!",
    ":",
]
NOISE = st.sampled_from(WORDS)
TERM = st.sampled_from(TERMS)
RULES = ["ambiguous-term", "TL201", "inconsistent-sense", "undefined-term"]


@st.composite
def inline(draw, depth: int = 0) -> str:
    """A run of inline Markdown on one line."""
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 22 if depth < 2 else 6))
        if kind <= 2:
            parts.append(draw(TERM))
        elif kind <= 6:
            parts.append(draw(NOISE))
        elif kind == 7:
            mark = draw(st.sampled_from(["*", "**", "_", "__", "~~", "***"]))
            parts.append(mark + draw(inline(depth + 1)) + mark)
        elif kind == 8:
            parts.append("`" + draw(st.sampled_from(["code", "scheming", "a ` b", " x "])) + "`")
        elif kind == 9:
            title = draw(st.sampled_from(["", ' "t"', " 'scheming'", " (t)"]))
            url = draw(
                st.sampled_from(
                    [
                        "https://e.org/scheming",
                        "#scheming",
                        "u",
                        "<a b>",
                        "https://termlint.example/glossary/scheming.html#worst-case-model",
                    ]
                )
            )
            parts.append(f"[{draw(inline(depth + 1))}]({url}{title})")
        elif kind == 10:
            parts.append(f"[{draw(inline(depth + 1))}][ref]")
        elif kind == 11:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "<https://x.org/scheming>",
                            "<a@b.co>",
                            "![scheming alt](i.png)",
                            "![a][ref]",
                        ]
                    )
                )
            )
        elif kind == 12:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "\\*",
                            "\\[",
                            "\\_",
                            "&amp;",
                            "&#42;",
                            "&copy;",
                            "&#x1F4A1;",
                            "&nbsp;",
                            "&bogus;",
                            "\\\\",
                        ]
                    )
                )
            )
        elif kind == 13:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "<span>scheming</span>",
                            "<b>",
                            "</b>",
                            "<!-- comment scheming -->",
                            "<!-- termlint-disable-line ambiguous-term -->",
                            "<br/>",
                            "<!-- termlint-disable-next-line -->",
                            "<a href='scheming'>x</a>",
                        ]
                    )
                )
            )
        elif kind == 14:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "[^1]",
                            "[^note]",
                            "[^x]",
                            "^[inline scheming]",
                            "^[a *schemer* ^[nested]]",
                        ]
                    )
                )
            )
        elif kind == 15:
            parts.append(draw(st.sampled_from(["$x^2$", "$$y$$", "$scheming$", "$ a $"])))
        else:
            parts.append(draw(st.sampled_from([draw(TERM), draw(NOISE)])))
    seps = [draw(st.sampled_from([" ", " ", " ", "", "  ", "\t", ", ", ". "])) for _ in parts]
    text = "".join(p + s for p, s in zip(parts, seps, strict=True)).strip(" \t")
    return text or "word"


@st.composite
def paragraph(draw) -> list[str]:
    lines = [draw(inline()) for _ in range(draw(st.integers(1, 3)))]
    if len(lines) > 1 and draw(st.booleans()):  # a hard break
        lines[0] += draw(st.sampled_from(["  ", "\\"]))
    return lines


@st.composite
def heading(draw) -> list[str]:
    if draw(st.booleans()):
        return [
            "#" * draw(st.integers(1, 6))
            + " "
            + draw(inline())
            + draw(st.sampled_from(["", " #", " ##"]))
        ]
    return [draw(inline()), draw(st.sampled_from(["===", "---", "==="]))]


@st.composite
def table(draw) -> list[str]:
    cols = draw(st.integers(1, 4))

    def row():
        cells = [draw(inline()).replace("|", "\\|") for _ in range(cols)]
        return "| " + " | ".join(cells) + " |"

    return [
        row(),
        "|"
        + "|".join(draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(cols))
        + "|",
    ] + [row() for _ in range(draw(st.integers(0, 3)))]


@st.composite
def code(draw) -> list[str]:
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "scheming = True",
                    "alignment faking()",
                    "",
                    "  indented schemer",
                    "# not a heading",
                    "> x",
                ]
            ),
            max_size=3,
        )
    )
    kind = draw(st.integers(0, 2))
    if kind == 0:
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        return [fence + draw(st.sampled_from(["", "python", "md scheming"])), *body, fence]
    if kind == 1:
        return ["    " + (b or "x") for b in body] or ["    x"]
    return ["$$", *body, "$$"]


@st.composite
def html_block(draw) -> list[str]:
    return draw(
        st.sampled_from(
            [
                ["<div>", "scheming in raw html", "</div>"],
                ["<!-- termlint-disable ambiguous-term -->"],
                ["<!-- termlint-enable -->"],
                ["<!-- termlint-disable-next-line ambiguous-term -- a reason -->"],
                ["<!--", "multi-line comment with scheming", "-->"],
                [
                    "<details><summary>scheming</summary>",
                    "",
                    "Inside details: scheming.",
                    "",
                    "</details>",
                ],
                ["<!-- termlint-sense scheming=roleplay -->"],
            ]
        )
    )


@st.composite
def footnote(draw) -> list[str]:
    label = draw(st.sampled_from(["1", "note", "x"]))
    lines = [f"[^{label}]: " + draw(inline())]
    if draw(st.booleans()):
        lines.append("    " + draw(inline()))
    return lines


def link_def() -> st.SearchStrategy[list[str]]:
    return st.sampled_from([["[ref]: https://e.org/scheming"], ["[ref]: <u> 'title scheming'"]])


LEAVES = st.one_of(
    paragraph(),
    heading(),
    table(),
    code(),
    html_block(),
    footnote(),
    link_def(),
    st.just(["***"]),
    st.just(["- - -"]),
)


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else line for i, line in enumerate(lines)]


def containers(leaf):
    @st.composite
    def listed(draw, inner):
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)", "10."]))
        gap = draw(st.sampled_from([" ", " ", "  ", "\t"]))
        pad = " " * (len(marker) + (len(gap) if gap != "\t" else 2))
        items = []
        for _ in range(draw(st.integers(1, 3))):
            body = draw(inner)
            items.extend(_indent(body, marker + gap, pad))
        return items

    @st.composite
    def quoted(draw, inner):
        body = draw(inner)
        prefix = draw(st.sampled_from(["> ", ">", ">  "]))
        lazy = draw(st.booleans())
        return [
            (prefix + line if (i == 0 or not lazy) else line) if line else ">"
            for i, line in enumerate(body)
        ]

    return lambda inner: st.one_of(
        listed(inner),
        quoted(inner),
        st.lists(inner, min_size=1, max_size=2).map(
            lambda bs: [x for b in bs for x in [*b, ""]][:-1]
        ),
    )


BLOCKS = st.recursive(LEAVES, containers(LEAVES), max_leaves=6)

FRONT_MATTER = st.sampled_from(
    [
        None,
        ["---", "title: A draft about scheming", "---"],
        ["---", "termlint:", "  senses:", "    scheming: worst-case-model", "---"],
        ["---", "title: x", "tags: [a, b]", "..."],
        ["---", "---"],
    ]
)


@st.composite
def documents(draw) -> str:
    lines: list[str] = []
    fm = draw(FRONT_MATTER)
    if fm:
        lines.extend([*fm, ""])
    for block in draw(st.lists(BLOCKS, min_size=1, max_size=6)):
        lines.extend(block)
        lines.append(draw(st.sampled_from(["", "", "", " ", "\t"])))
    if draw(st.integers(0, 9)) == 0:  # an unterminated fence runs to the end
        lines.extend(["```", "scheming in code"])
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text


RANDOM_TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("#*_`~[]()<>!|\\-+=.:$^&;\"' \t\n\r>1")),
        st.sampled_from(
            [
                "scheming",
                "schemer ",
                "alignment faking",
                " AI ",
                "sandbagging",
                "\r\n",
                "    ",
                "---\n",
                "```",
                "<!--",
                "-->",
                "&#42;",
                "&amp;",
                " termlint-disable ",
                "termlint-enable",
                "é",
                "\u0301",
                "日",
                "\u200b",
                "\ufeff",
                "\x0b",
                "\x0c",
                "\u2029",
                "\x85",
                "\x00",
                "\x1c",
                "\x1d",
                "\u3000",
                "\u2003",
            ]
        ),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=120,
).map("".join)


# -- what must hold -----------------------------------------------------------------------


def _norm(text: str) -> str:
    """A form as the linter compares it: case, hyphens and spaces folded."""
    return re.sub(r"[\s\-]+", " ", text.casefold()).strip()


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", text.casefold()) if w]


def _forms(project, term_id: str) -> set[str]:
    term = project.glossary.terms[term_id]
    return {_norm(f) for f in [*term.forms, *term.verb_forms]}


def _check_occurrence(source: SourceText, doc, occ, forms: set[str]):
    """The span is the term as written: its prose is a glossary form, and the source text
    starts and ends with that form's first and last words (markup such as ``*`` or a line
    break with its ``>`` may stand between the words of a multi-word term)."""
    text = source.text
    start, end, match = occ.start, occ.end, occ.match
    assert 0 <= start < end <= len(text), (start, end, len(text))
    assert text[start:end] == match, (text[start:end], match)
    prose = doc.blocks[occ.block].text[occ.text_start : occ.text_end]
    assert _norm(prose) in forms, (prose, sorted(forms))
    words = _words(prose)
    assert match.casefold().startswith(words[0]), (match, prose)
    assert match.casefold().endswith(words[-1]), (match, prose)
    if len(words) == 1:
        assert match.casefold() == prose.casefold(), (match, prose)
    # a match is a whole word: no word character glued on either side
    assert start == 0 or not text[start - 1].isalnum() or not match[0].isalnum(), text[
        max(0, start - 10) : end + 10
    ]
    assert end == len(text) or not text[end].isalnum() or not match[-1].isalnum(), text[
        max(0, start - 10) : end + 10
    ]


def _check_line_col(source: SourceText, offset: int, line: int, column: int):
    """A 1-based line/column (characters) names the same place as the offset. A line ends
    at \\n, \\r\\n or a lone \\r, as in CommonMark."""
    import re

    text = source.text
    starts = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", text)]
    assert 1 <= line <= len(starts)
    line_start = starts[line - 1]
    assert line_start + column - 1 == offset, (line, column, offset)
    line_end = starts[line] if line < len(starts) else len(text)
    assert 1 <= column <= len(text[line_start:line_end].rstrip("\r\n")) + 1


def check_document(text: str, project, *, allow_errors: bool = False):
    source = SourceText("prop.md", text)
    result = lint_source(source, project)  # must not raise
    if result.error is not None:
        assert isinstance(result.error, TermlintError)
        assert result.error.path == "prop.md"
        # lint_source turns a crash into an input error so other files go on: not good enough
        assert "internal error" not in result.error.message, result.error.message
        if not allow_errors:
            raise AssertionError(f"unexpected input error: {result.error}")
        return result
    doc = parse_markdown(source) if result.occurrences else None
    spans = {}
    for occ in result.occurrences:
        _check_occurrence(source, doc, occ, _forms(project, occ.term_id))
        spans[occ.start, occ.end] = occ
    for d in result.diagnostics:
        if d.rule == "unused-suppression":
            assert source.text[d.start : d.end].startswith("<!--"), source.text[d.start : d.end]
        else:  # a term rule reports an occurrence
            occ = spans.get((d.start, d.end))
            assert occ is not None and occ.match == d.match, (d, sorted(spans))
            assert d.term == occ.term_id
        _check_line_col(source, d.start, d.line, d.column)
        _check_line_col(source, d.end, d.end_line, d.end_column)
        assert all(s.sense and s.text for s in d.suggestions), d.suggestions
    return result


def check_pieces(text: str) -> None:
    """Every piece of prose equals the source at its offset; so does every directive."""
    try:
        doc = parse_markdown(SourceText("prop.md", text))
    except TermlintError as exc:
        assert exc.path == "prop.md"
        return
    for block in doc.blocks:
        prose = block.text
        previous_end = 0
        for t_start, s_start, length in block.pieces:
            assert t_start >= previous_end, block.pieces  # in order, no overlap
            previous_end = t_start + length
            assert s_start >= 0 and s_start + length <= len(text)
            got = prose[t_start : t_start + length]
            want = text[s_start : s_start + length]
            # A soft line break is a space in prose and a line ending in the source; CommonMark
            # replaces U+0000 with U+FFFD (decode() refuses NUL bytes before that matters).
            assert got == "".join(
                " " if c in "\r\n" else "\ufffd" if c == "\0" else c for c in want
            ), (got, want)
        for link in block.links:
            assert 0 <= link.start <= link.end <= len(prose)
    for directive in doc.directives:
        written = text[directive.offset : directive.end_offset]
        assert written.startswith("<!--") and written.endswith("-->"), written
        assert directive.line == text.count("\n", 0, directive.offset) + 1


# -- the properties -----------------------------------------------------------------------

PROJECT = None


@pytest.fixture(autouse=True, scope="module")
def _use_project(project):
    """The session's project, as a global: Hypothesis prints every argument it is given."""
    global PROJECT
    PROJECT = project


@SETTINGS
@given(documents())
@example("> alignment\n> faking models are scheming\n")
@example("- a\n  <div>\n  x\n  <!-- termlint-disable-next-line ambiguous-term -->\n  y\n")
@example("![scheming alt](i.png) scheming scheming [^1]\n")
@example("| a |\n|---|\n| scheming *alignment faking &#42; scheming* \\| schemer |\n")
@example("Intro.\n\n\u00a0\nAI labs should prepare for scheming now.\n")
@example("---\ntitle: x\n...\n\nscheming\n\n```\nscheming in code")
@example("schemingalignment *faking* alignment faking\n")
@example("> Labs ^[a note on\n> scheming] wait.\n")
def test_structured_markdown_lints_and_maps_back(text):
    check_document(text, PROJECT)


@SETTINGS
@given(RANDOM_TEXT)
def test_random_text_never_crashes(text):
    check_document(text, PROJECT, allow_errors=True)


@settings(SETTINGS, max_examples=EXAMPLES * 3 // 2)
@given(st.one_of(documents(), RANDOM_TEXT))
@example(" \x00")
@example("^[]&#10;[^\na")
@example(">\x0b\n\x0b>\n\x0b-")
@example("x\n\n- !--\r\x00ous-term ")
@example("- <div>\n  x\n\x0b\n\x1d\n\x1d -->\n")
@example("- 2)\t)\n      ===\n")
@example("[ref]: u\n\n[ref][[e] scheming [ref][<n> [][c scheming\n")
@example("> <div>\n> a\n> <!-- termlint-disable-next-line ambiguous-term -->\n> </div>\n")
@example("| a | b |\n|---|---|\n| x \\| y | `c\\|d` z |\n")
@example("\x0b\n\x1e")  # a line of \x0b trimmed away, then a line that is all "whitespace"
@example("\x0b\nscheming \x1c\n\x1e")
def test_prose_pieces_map_back_to_the_source(text):
    check_pieces(text)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_soft_breaks_inside_a_term_map_to_both_lines(project, newline):
    text = (
        newline.join(
            ["Labs worry about alignment", "faking and about", "> alignment", "> faking too."]
        )
        + newline
    )
    result = check_document(text, project)
    assert [o.match for o in result.occurrences] == [
        f"alignment{newline}faking",
        f"alignment{newline}> faking",
    ]


def _reading(text: str) -> list:
    doc = parse_markdown(SourceText("prop.md", text))
    return [
        [
            (
                b.kind,
                b.line,
                b.end_line,
                b.text,
                b.pieces,
                b.heading_path,
                b.in_quote,
                [(link.start, link.end, link.href) for link in b.links],
            )
            for b in doc.blocks
        ],
        [(d.kind, d.offset, d.line, d.rules) for d in doc.directives],
        doc.front_matter,
        doc.title_block,
    ]


@SETTINGS
@given(st.lists(documents(), min_size=2, max_size=5).map("\n\n".join))
@example("$\n[^0]: $$x\n\ny$\n[^0]: $$\n-\n: ")  # $$ in a footnote runs on past it
@example("- - > $$\n    >\n    $$\n\n```\nx\n\ny\n\n$$\n$$\n\n```\nz")
@example("x [^1] [y](https://termlint.example/g.html)\n\n[^1]: note\n")
def test_a_document_read_in_sections_reads_as_one(text):
    """Large documents are parsed a section at a time: the result is the same."""
    import termlint.document.markdown as markdown

    try:
        whole = _reading(text)
    except TermlintError:
        return
    size = markdown.SECTION_SIZE
    markdown.SECTION_SIZE = 16
    try:
        assert _reading(text) == whole
    finally:
        markdown.SECTION_SIZE = size

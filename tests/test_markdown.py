"""Markdown → prose: what is read, what is skipped, and exact positions back into the source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termlint.document.markdown import parse_markdown
from termlint.errors import TermlintError
from termlint.files.source import decode
from termlint.model import SourceText


def blocks_of(text: str):
    return parse_markdown(SourceText("t.md", text)).blocks


def assert_pieces_map(text: str) -> None:
    """Every mapped piece of prose equals the source text at its offset."""
    doc = parse_markdown(SourceText("t.md", text))
    for block in doc.blocks:
        for t_start, s_start, length in block.pieces:
            got = block.text[t_start : t_start + length]
            want = text[s_start : s_start + length]
            # A soft line break is a space in prose and a line ending in the source.
            assert got == "".join(" " if c in "\r\n" else c for c in want), (got, want)


def prose(text: str) -> str:
    return " | ".join(b.text for b in blocks_of(text))


SAMPLE = """---
title: A draft
---
# Heading with *emphasis*

Paragraph with `inline code`, a [link text](https://example.com/scheming "t"), and
a second line. Escaped \\*star\\* and &amp; entity.

```python
scheming = True  # code is never prose
```

    indented code scheming

<div>raw html scheming</div>

- item one
  continued
  1. nested item

> quoted text
> - quoted list

| a | b |
|---|---|
| cell one | `x` cell two |

Math $scheming^2$ and footnote[^n].

[^n]: The footnote body.

<https://example.com/autolink-scheming>
"""


def test_prose_keeps_text_and_skips_code_html_urls_math():
    text = prose(SAMPLE)
    for kept in [
        "Heading with emphasis",
        "link text",
        "a second line",
        "Escaped *star* and & entity",
        "item one continued",
        "nested item",
        "quoted text",
        "quoted list",
        "cell one",
        "cell two",
        "The footnote body",
        "Math X and footnote",
    ]:
        assert kept in text, kept
    for skipped in [
        "scheming = True",
        "indented code",
        "raw html",
        "example.com",
        "title:",
        "^2",
        "inline code",
        "autolink",
    ]:
        assert skipped not in text, skipped


def test_every_piece_maps_back_to_the_source():
    assert_pieces_map(SAMPLE)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_pieces_map_with_any_line_ending(newline):
    assert_pieces_map(SAMPLE.replace("\n", newline))


def test_pieces_map_with_tabs_and_non_ascii():
    assert_pieces_map("- \tcafé naïve 日本語 text\n\n>\tquoted\ttab\n\n1.\tnumbered 💡 item\n")


def test_front_matter_is_data():
    doc = parse_markdown(
        SourceText("t.md", "---\ntermlint:\n  senses: {scheming: roleplay}\n---\ntext\n")
    )
    assert doc.front_matter == {"termlint": {"senses": {"scheming": "roleplay"}}}
    assert doc.front_matter_line == 1
    assert [b.text for b in doc.blocks] == ["text"]


def test_malformed_front_matter_names_file_and_line():
    with pytest.raises(TermlintError) as exc:
        parse_markdown(SourceText("bad.md", "---\ntitle: [unclosed\n---\ntext\n"))
    assert exc.value.path == "bad.md" and exc.value.line == 2
    assert "invalid YAML" in str(exc.value)


def test_front_matter_must_be_a_mapping():
    with pytest.raises(TermlintError, match="mapping"):
        parse_markdown(SourceText("bad.md", "---\n- a\n- b\n---\ntext\n"))


def test_heading_path_and_title():
    doc = parse_markdown(SourceText("t.md", "# Title\n\n## Part\n\npara\n\n## Other\n\nmore\n"))
    title, part, para, other, more = doc.blocks
    assert doc.title_block == title.index
    assert para.heading_path == (title.index, part.index)
    assert more.heading_path == (title.index, other.index)


def test_links_record_text_range_and_target():
    [block] = blocks_of("See [the schemer](https://x.org/a#b) now.\n")
    [link] = block.links
    assert block.text[link.start : link.end] == "the schemer"
    assert link.href == "https://x.org/a#b"


def test_directives_are_read_from_html_comments():
    doc = parse_markdown(
        SourceText(
            "t.md",
            "<!-- termlint-disable ambiguous-term -- quoting -->\ntext <!-- termlint-enable -->\n",
        )
    )
    kinds = [(d.kind, d.rules, d.reason, d.line) for d in doc.directives]
    assert kinds == [("disable", ("ambiguous-term",), "quoting", 1), ("enable", (), "", 2)]


def test_decode_rejects_binary_and_bad_utf8_with_reasons():
    with pytest.raises(TermlintError, match="binary"):
        decode(b"abc\x00def", "x.md")
    with pytest.raises(TermlintError, match="UTF-16"):
        decode("hi".encode("utf-16"), "x.md")
    with pytest.raises(TermlintError, match="not valid UTF-8") as exc:
        decode(b"line one\nbad \xff byte", "x.md")
    assert exc.value.line == 2


def test_decode_strips_bom_and_remembers_it():
    source = decode("\ufeffhello".encode(), "x.md")
    assert source.text == "hello" and source.had_bom


def test_deep_nesting_is_a_clear_error_not_a_recursion_error():
    with pytest.raises(TermlintError, match="nested too deeply"):
        parse_markdown(SourceText("deep.md", "> " * 5000 + "text\n"))


# Plain content (no character that can start inline markup) is split by termlint instead of
# markdown-it's inline parser (markdown._plain_children): the tokens must be markdown-it's.
_PLAIN = st.text(alphabet=" \t\n-:#%+=>@{}|\"'.()]aZé\u00a0\x1e", max_size=40)


@given(_PLAIN)
@settings(max_examples=500, deadline=None)
def test_plain_content_splits_into_the_tokens_markdown_it_makes(content):
    from termlint.document.markdown import _INLINE_MARKUP, _parser, _plain_children

    assert _INLINE_MARKUP.search(content) is None
    md = _parser()
    want = [(t.type, t.content) for t in md.inline.parse(content, md, {}, [])]
    assert [(t.type, t.content) for t in _plain_children(content)] == want


@pytest.mark.parametrize(
    "text",
    [
        "A plain paragraph about scheming.\n",
        "Two lines, one space  \nthen a hard break\n   and indented: a # hash\n",
        "- item one\n- item two: x > y\n\n| a | b |\n|---|---|\n| scheming | 1 |\n",
        "# Heading, plain\n\nline one \nline two\t\nline three\n",
    ],
)
def test_plain_blocks_read_as_markdown_it_would_read_them(text, monkeypatch):
    # the whole prose (text, pieces, links) with the plain path and with markdown-it only
    from termlint.document import markdown

    def read(text):
        return [(b.text, b.pieces, b.links, b.kind) for b in blocks_of(text)]

    fast = read(text)
    monkeypatch.setattr(markdown, "_INLINE_MARKUP", markdown.re.compile(r"(?s:.)|^"))
    assert read(text) == fast
    assert_pieces_map(text)

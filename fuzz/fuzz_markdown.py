"""Fuzz Markdown extraction, front matter and directive comments (atheris / libFuzzer).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_markdown.py -dict=fuzz/markdown.dict -max_total_time=30   # as CI runs it
    python fuzz/fuzz_markdown.py -dict=fuzz/markdown.dict fuzz/corpus/          # longer hunt

A crash is any exception other than :class:`TermlintError` — the one error bad input may
become — or a prose piece or directive that does not map back to the source text it came
from. libFuzzer saves the input that crashed (``-artifact_prefix=`` says where); replay it
with ``python fuzz/fuzz_markdown.py crash-<hash>``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["termlint", "markdown_it", "mdit_py_plugins"]):
    # termlint imports the parser lazily: import it here so its code is instrumented too.
    import markdown_it.rules_block
    import markdown_it.rules_inline  # noqa: F401
    import mdit_py_plugins.dollarmath
    import mdit_py_plugins.footnote
    import mdit_py_plugins.front_matter  # noqa: F401

    import termlint.document.markdown
    from termlint.document.directives import parse_directives
    from termlint.document.markdown import parse_markdown
    from termlint.errors import TermlintError
    from termlint.files.source import decode
    from termlint.model import SourceText
    from termlint.project.yamlio import load_yaml

PATH = "fuzz.md"


def check_markdown(text: str) -> None:
    """Parse, build every block's prose, and check it all maps back to ``text``."""
    try:
        doc = parse_markdown(SourceText(PATH, text))
    except TermlintError as exc:
        if exc.path != PATH:
            raise AssertionError(f"error names {exc.path!r}, not the file") from exc
        return
    for block in doc.blocks:
        prose = block.text
        end = 0
        for t_start, s_start, length in block.pieces:
            if t_start < end or s_start < 0 or s_start + length > len(text):
                raise AssertionError(f"piece out of order or bounds: {block.pieces}")
            end = t_start + length
            got = prose[t_start:end]
            want = "".join(" " if c in "\r\n" else "\ufffd" if c == "\0" else c
                           for c in text[s_start:s_start + length])
            if got != want:
                raise AssertionError(f"prose {got!r} maps to source {want!r}")
        for link in block.links:
            if not 0 <= link.start <= link.end <= len(prose):
                raise AssertionError(f"link outside its block: {link}")
    for directive in doc.directives:
        written = text[directive.offset:directive.end_offset]
        if not (written.startswith("<!--") and written.endswith("-->")):
            raise AssertionError(f"directive maps to {written!r}")


def reading(text: str):
    try:
        doc = parse_markdown(SourceText(PATH, text))
    except TermlintError as exc:
        return str(exc)
    return ([(b.kind, b.line, b.end_line, b.text, b.pieces, b.heading_path, b.in_quote,
              [(link.start, link.end, link.href) for link in b.links]) for b in doc.blocks],
            [(d.kind, d.offset, d.rules) for d in doc.directives], doc.front_matter,
            doc.title_block)


def check_sections(text: str) -> None:
    """A document read in tiny sections (as a large one is) reads as when read whole."""
    whole = reading(text)
    size = termlint.document.markdown.SECTION_SIZE
    termlint.document.markdown.SECTION_SIZE = 16
    try:
        sectioned = reading(text)
    finally:
        termlint.document.markdown.SECTION_SIZE = size
    if sectioned != whole:
        raise AssertionError(f"read in sections: {sectioned!r}\nread whole: {whole!r}")


def check_directives(text: str) -> None:
    for directive in parse_directives(text, 0):
        written = text[directive.offset:directive.end_offset]
        if not (written.startswith("<!--") and written.endswith("-->")):
            raise AssertionError(f"directive maps to {written!r}")
        if directive.kind == "sense" and not directive.error and not directive.senses:
            pass  # an empty declaration is allowed: it declares nothing


def check_yaml(text: str) -> None:
    for aliases in (False, True):
        try:
            load_yaml(text, "fuzz.yaml", aliases=aliases)
        except TermlintError as exc:
            if exc.path != "fuzz.yaml":
                raise AssertionError(f"error names {exc.path!r}") from exc


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 4)
    raw = fdp.ConsumeBytes(fdp.remaining_bytes())
    if mode == 0:  # bytes as read from disk: decoding, then the document
        try:
            source = decode(raw, PATH)
        except TermlintError as exc:
            if exc.path != PATH:
                raise AssertionError(f"error names {exc.path!r}") from exc
            return
        check_markdown(source.text)
        return
    text = raw.decode("utf-8", "replace")
    if mode == 1:
        check_markdown(text)
    elif mode == 4:
        check_sections(text)
    elif mode == 2:  # front matter, as YAML alone and inside a document
        check_yaml(text)
        check_markdown(f"---\n{text}\n---\nAI labs should prepare for scheming.\n")
    else:  # directive comments, alone and inside raw HTML, a quote and a list
        check_directives(f"<!-- termlint-{text} -->")
        check_markdown(f"<!-- termlint-{text} -->\n\n> x <!-- termlint-{text} -->\n\n"
                       f"- <div>\n  <!-- termlint-{text} -->\n")


def main() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

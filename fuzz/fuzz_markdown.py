"""Fuzz Markdown extraction, front matter (with YAML aliases), directive comments and the
text reporter (atheris / libFuzzer).

    pip install -e '.[fuzz]'
    python fuzz/fuzz_markdown.py -dict=fuzz/markdown.dict -max_total_time=30   # as CI runs it
    python fuzz/fuzz_markdown.py -dict=fuzz/markdown.dict fuzz/corpus/          # longer hunt

A crash is any exception other than :class:`TermlintError` — the one error bad input may
become — or a prose piece or directive that does not map back to the source text it came
from, front matter whose aliases expand past the budget without being refused, an error
message longer than its cap, or text output holding a terminal control character other
than tab, newline and termlint's own colour codes. libFuzzer saves the input that
crashed (``-artifact_prefix=`` says where); replay it
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
    import termlint.reporters.text
    from termlint.document.directives import parse_directives
    from termlint.document.markdown import parse_markdown
    from termlint.errors import MAX_MESSAGE, TermlintError
    from termlint.files.source import decode
    from termlint.model import Diagnostic, FileResult, SourceText, Suggestion, Summary
    from termlint.project.yamlio import MAX_EXPANDED_VALUES, load_yaml

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
            want = "".join(
                " " if c in "\r\n" else "\ufffd" if c == "\0" else c
                for c in text[s_start : s_start + length]
            )
            if got != want:
                raise AssertionError(f"prose {got!r} maps to source {want!r}")
        for link in block.links:
            if not 0 <= link.start <= link.end <= len(prose):
                raise AssertionError(f"link outside its block: {link}")
    for directive in doc.directives:
        written = text[directive.offset : directive.end_offset]
        if not (written.startswith("<!--") and written.endswith("-->")):
            raise AssertionError(f"directive maps to {written!r}")


def reading(text: str):
    try:
        doc = parse_markdown(SourceText(PATH, text))
    except TermlintError as exc:
        return str(exc)
    return (
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
        [(d.kind, d.offset, d.rules) for d in doc.directives],
        doc.front_matter,
        doc.title_block,
    )


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
        written = text[directive.offset : directive.end_offset]
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


def alias_front_matter(fdp) -> str:
    """YAML built from anchors and aliases, nested and repeated as the input says: the shapes
    of an alias bomb, small and large, used by a sense declaration or not."""
    lines = []
    names: list[str] = []
    for i in range(fdp.ConsumeIntInRange(1, 12)):
        name = f"n{i}"
        width = fdp.ConsumeIntInRange(1, 12)
        if names and fdp.ConsumeBool():
            items = [f"*{fdp.PickValueInList(names)}" for _ in range(width)]
        else:
            items = [repr(fdp.ConsumeUnicodeNoSurrogates(8)) for _ in range(width)]
        if fdp.ConsumeBool():
            lines.append(f"{name}: &{name} [{', '.join(items)}]")
        else:
            pairs = ", ".join(f"k{j}: {v}" for j, v in enumerate(items))
            lines.append(f"{name}: &{name} {{{pairs}}}")
        names.append(name)
    use = fdp.ConsumeIntInRange(0, 3)
    if use == 1:
        lines.append(f"termlint: {{senses: {{scheming: *{names[-1]}}}}}")
    elif use == 2:
        lines.append(f"termlint: {{senses: {{*{names[-1]}: worst-case-model}}}}")
    elif use == 3:
        lines.append(f"termlint: *{names[-1]}")
    return "\n".join(lines) + "\n" + fdp.ConsumeUnicodeNoSurrogates(40)


def _expanded(value, budget: int) -> int:
    """Values in ``value`` with aliases written out, counting up to ``budget`` at most."""
    count, stack = 0, [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def check_alias_front_matter(yaml_text: str) -> None:
    try:
        data = load_yaml(yaml_text, "fuzz.yaml", aliases=True)
    except TermlintError as exc:
        if exc.path != "fuzz.yaml" or len(exc.message) > MAX_MESSAGE:
            raise AssertionError(f"bad error: {exc.path!r}, {len(exc.message)} chars") from exc
    else:
        if _expanded(data, MAX_EXPANDED_VALUES + 10) > MAX_EXPANDED_VALUES + 1:
            raise AssertionError("aliases expanded past the budget without being refused")
    try:
        parse_markdown(SourceText(PATH, f"---\n{yaml_text}\n---\nWe think scheming is bad.\n"))
    except TermlintError as exc:
        if len(str(exc)) > MAX_MESSAGE + 400:
            raise AssertionError(f"message of {len(str(exc))} characters") from exc


_OWN_CODES = __import__("re").compile(r"\x1b\[[0-9;]*m")


def check_text_reporter(fdp) -> None:
    """Any text, path, message and suggestion, printed: only what a terminal shows."""
    import io

    text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 200)) or "x"
    source = SourceText(fdp.ConsumeUnicodeNoSurrogates(20) or PATH, text)
    lines = len(source.line_starts)
    line = fdp.ConsumeIntInRange(1, lines)
    width = len(source.line_text(line))
    column = fdp.ConsumeIntInRange(1, width + 1)
    end_column = fdp.ConsumeIntInRange(column, width + 1)
    diag = Diagnostic(
        source.path,
        0,
        0,
        line,
        column,
        line,
        end_column,
        "ambiguous-term",
        fdp.PickValueInList(["error", "warning", "info"]),
        fdp.ConsumeUnicodeNoSurrogates(60),
        "scheming",
        "scheming",
        suggestions=[
            Suggestion(fdp.ConsumeUnicodeNoSurrogates(10), fdp.ConsumeUnicodeNoSurrogates(30))
        ],
        help=fdp.ConsumeUnicodeNoSurrogates(30),
        url=fdp.ConsumeUnicodeNoSurrogates(30),
    )
    for color in (False, True):
        out = io.StringIO()
        reporter = termlint.reporters.text.TextReporter(out, color=color, quiet=fdp.ConsumeBool())
        reporter.file(FileResult(source.path, diagnostics=[diag], source=source))
        reporter.file(FileResult(source.path, error=TermlintError(diag.message, source.path)))
        reporter.finish(Summary(files=1))
        shown = _OWN_CODES.sub("", out.getvalue())
        bad = [
            c
            for c in shown
            if c not in "\t\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029")
        ]
        if bad:
            raise AssertionError(f"control characters reach the terminal: {bad!r}")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 6)
    if mode == 5:  # front matter built of anchors and aliases
        check_alias_front_matter(alias_front_matter(fdp))
        return
    if mode == 6:  # the text reporter, with anything in every field
        check_text_reporter(fdp)
        return
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
        check_markdown(
            f"<!-- termlint-{text} -->\n\n> x <!-- termlint-{text} -->\n\n"
            f"- <div>\n  <!-- termlint-{text} -->\n"
        )


def main() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

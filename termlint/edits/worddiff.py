"""A diff a writer can read when a paragraph is one long line.

Posts exported from an editor often hold a whole paragraph on one line; a fix that changes
one word of it makes a unified diff print the 800-character line twice. Here such a line is
shown once, with the words taken out as ``[-old-]`` and the words put in as ``{+new+}`` (the
markers of ``git diff --word-diff=plain``), on a line that starts with ``~``; long unchanged
stretches between the changes are cut to "…", and so are long unchanged lines shown as
context. Short lines stay ``-``/``+`` pairs.

Spaces at the edges of a pure insertion or deletion are written outside its markers, as git
shows them ("about {+power-motivated+} scheming"). The result is for reading, not for
``patch`` or ``git apply``: ``termlint fix --diff
--line-diff`` prints the plain unified diff.
"""

from __future__ import annotations

import difflib
import re

#: A changed line at least this long (in characters, either version) is shown word by word.
LONG_LINE = 100
#: How much unchanged text to keep on each side of a change (in characters, about).
CONTEXT = 40
_TOKEN = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")


def tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _cut(text: str, first: bool, last: bool) -> str:
    """An unchanged stretch, with its middle (or its far end, at the line's ends) cut."""
    if len(text) <= 2 * CONTEXT + 3:
        return text
    head = "" if first else text[:CONTEXT]
    tail = "" if last else text[-CONTEXT:]
    if not first:
        space = head.rfind(" ", CONTEXT // 2)
        head = head[:space] if space > 0 else head
    if not last:
        space = tail.find(" ", 0, CONTEXT // 2)
        tail = tail[space + 1 :] if space >= 0 else tail
    return f"{head}…{tail}"


def word_line(old: str, new: str) -> str:
    """One line showing how ``old`` became ``new``: ``[-removed-]{+added+}``, context cut."""
    a, b = tokens(old), tokens(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out = []
    for i, (tag, a0, a1, b0, b1) in enumerate(ops):
        if tag == "equal":
            out.append(_cut("".join(a[a0:a1]), i == 0, i == len(ops) - 1))
            continue
        removed, added = "".join(a[a0:a1]), "".join(b[b0:b1])
        if not (removed and added):  # a pure insertion or deletion: its spaces go outside
            text = removed or added
            core = text.strip()
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            marks = ("[-", "-]") if removed else ("{+", "+}")
            out.append(lead + marks[0] + core + marks[1] + trail if core else text)
            continue
        out.append("[-" + removed + "-]{+" + added + "+}")
    return "".join(out)


def words_in_hunks(lines: list[str]) -> list[str]:
    """Unified diff lines with each run of long changed lines (as many ``-`` as ``+``, paired
    in order) rewritten as ``~`` word-diff lines. Every other line is kept as it is."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(" ") and len(line.rstrip("\r\n")) > LONG_LINE:
            out.append(_cut(line.rstrip("\r\n"), False, True) + "\n")  # unchanged context
            i += 1
            continue
        if not line.startswith("-") or line.startswith("---"):
            out.append(line)
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].startswith("-") and not lines[j].startswith("---"):
            j += 1
        k = j
        while k < len(lines) and lines[k].startswith("+") and not lines[k].startswith("+++"):
            k += 1
        removed, added = lines[i:j], lines[j:k]
        if len(removed) == len(added):
            for old, new in zip(removed, added, strict=True):
                o, n = old[1:].rstrip("\r\n"), new[1:].rstrip("\r\n")
                if max(len(o), len(n)) >= LONG_LINE:
                    out.append("~" + word_line(o, n) + "\n")
                else:
                    out.extend([old, new])
        else:
            out.extend(removed + added)
        i = k
    return out

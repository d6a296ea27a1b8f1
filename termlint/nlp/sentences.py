"""Sentence boundaries from a regular expression: cheap enough to run on every block.

spaCy's rule-based sentencizer walks every token in Python-visible objects; on a corpus of a
million words it cost more than parsing the Markdown. The rules it applies — a sentence ends
at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) before whitespace and a capital,
digit, quote or bracket — fit one regex, plus a list of abbreviations that do not end one.
"""

from __future__ import annotations

import bisect
import re

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[*_]*[A-Z0-9])")
_SPACES = re.compile(r"\s*")
_ABBREVIATIONS = frozenset(
    """e.g i.e et al etc vs cf fig figs eq eqs sec dr mr mrs ms prof
st no vol pp ch approx resp ca incl esp viz al jr sr""".split()
)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (covering it from start to end)."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        stop = m.start()
        # Only a full stop can follow an abbreviation: the word before it is read only then.
        if text[stop] == ".":
            # The word before the stop; no abbreviation is longer than 32 characters, and
            # looking further back made a paragraph of tab-separated sentences quadratic.
            low = max(0, stop - 32)
            space = max(text.rfind(" ", low, stop), text.rfind("(", low, stop))
            word = text[space + 1 if space >= 0 else low : stop].lower().rstrip(".")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "e.g. The", "et al. Then", "J. Carlsmith"
        end = m.end()
        spans.append((start, end))
        # the boundary is always followed by whitespace (its lookahead): the next sentence
        # starts after it (``\s`` is ``str.isspace``)
        spaces = _SPACES.match(text, end)  # always matches (maybe nothing)
        start = spaces.end() if spaces else end
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def sentence_index(starts: list[int], offset: int) -> int:
    """Which sentence (by the list of their start offsets) holds a character offset."""
    return max(0, bisect.bisect_right(starts, offset) - 1)

"""A deliberately small English stemmer shared by matching and validation (no spaCy here)."""

from __future__ import annotations

import re
from functools import lru_cache

_VOWELS = set("aeiou")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Plural, -ing, -ed and a final -e go: ``scheming``/``schemes``/``scheme`` → ``schem``.

    ``sandbagged`` → ``sandbag``; ``evaluations`` → ``evaluation``. Enough to match cue
    phrases across inflections without anyone writing inflection patterns.
    """
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)]
            if not (set(base) & _VOWELS):
                continue
            w = base
            if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


_SPLIT = re.compile(r"[\s\-]+")


def phrase_key(phrase: str) -> str:
    """How two cue phrases are compared: stems of the words, hyphens as spaces."""
    return " ".join(stem(w) for w in _SPLIT.split(phrase.strip()) if w)

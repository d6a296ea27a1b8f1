"""From typed evidence and the words around a use to one feature dict per candidate sense.

The learned model (:mod:`termlint.senses.learn`) scores a candidate sense as the dot product of
its features with learned weights. Three families of feature:

- **evidence**: for each kind and tier of :class:`~termlint.senses.evidence.Evidence` for this
  sense, its summed strength — once shared by every sense (``qualifier.specific``) and once for
  this sense alone (``qualifier.specific@roleplay``), so the model learns both how much a kind
  counts and where it counts differently; evidence for a broader or narrower sense of the same
  family counts as ``…~family``;
- **words**: the word stems next to the use (``near@sense:stem``) and elsewhere in its sentence
  (``sent@sense:stem``) — what the glossary's cue lists do not name yet; "a reader could not
  tell" (``?``) gets only the words next to the use: with the rest of the sentence too, its
  few hundred labelled uses learned sentence words that did not carry to other writing (fourth
  version, docs/accuracy.md);
- **bias**: one per sense (``bias@sense``): how often a sense is meant when nothing says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..nlp.stems import stem
from .evidence import Evidence, EvidenceKind

if TYPE_CHECKING:
    from ..glossary.entries import Term
    from ..model import Occurrence

#: Words: how far from the use (in words, each side) a stem counts as next to it.
NEAR_WORDS = 4

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*")
_STOP = frozenset(
    """a an the of to in on for and or but is are was were be been being it its this
that these those as at by with from into than then so such not no do does did has have had
we i you he she they them our their his her my your me us will would can could may might must
should shall there here what which who whom whose when where why how if while also just more
most very much many some any all each every other another one two same own about over under
after before between through during s t""".split()
)


#: The outcome "a careful reader could not tell": a candidate like the senses, so that how
#: unclear a use is gets learned from the labels, on the same scale as the senses.
UNCLEAR = "?"
#: The outcome "the word is talked about as a word", learned beside the mention rules.
MENTION = "mention"
PSEUDO = (UNCLEAR, MENTION)


def candidates(term: Term) -> list[str]:
    """The readings a use of the term can get: every sense (AI or not), unclear, mention."""
    return [s.id for s in term.senses] + [UNCLEAR, MENTION]


def family(term: Term, sense_id: str) -> set[str]:
    sense = term.sense(sense_id)
    out = {sense_id}
    if sense is not None and sense.broader:
        out.add(sense.broader)
    out.update(s.id for s in term.senses if s.broader == sense_id)
    return out


_KIN: dict[tuple, dict[str, frozenset[str]]] = {}


def _kin_of(term: Term) -> dict[str, frozenset[str]]:
    """Per sense: ``family(term, sense) - {sense}``, computed once per shape of the term's
    senses (ids and broader senses) instead of once per candidate of every use."""
    key = tuple((s.id, s.broader) for s in term.senses)
    kins = _KIN.get(key)
    if kins is None:
        kins = _KIN[key] = {s.id: frozenset(family(term, s.id) - {s.id}) for s in term.senses}
    return kins


def sentence_words(block_text: str, sentence: tuple[int, int], occ: Occurrence):
    """(near, elsewhere): stems of the content words next to the use and in the rest of its
    sentence."""
    start, end = sentence
    before = _WORD.findall(block_text, start, occ.text_start)
    after = _WORD.findall(block_text, occ.text_end, end)
    cut = max(0, len(before) - NEAR_WORDS)
    near = _stems(before[cut:] + after[:NEAR_WORDS])
    rest = _stems(before[:cut] + after[NEAR_WORDS:])
    return near, rest - near


def _stems(words: list[str]) -> set[str]:
    """The stems of the content words among ``words`` (stop words and short ones left out)."""
    out: set[str] = set()
    for word in words:
        w = word.lower().replace("’", "'")
        if w not in _STOP and len(w) >= 3:
            out.add(stem(w))
    return out


def build(
    term: Term,
    evidence: Iterable[Evidence],
    words: tuple[set[str], set[str]],
    with_words: bool = True,
) -> list[dict[str, float]]:
    """One feature dict per candidate sense of the term, in :func:`candidates` order."""
    evidence = list(evidence)
    named = [(e.feature, e.sense, e.strength) for e in evidence]  # each name made once
    near, rest = words
    near_words, rest_words = (sorted(near), sorted(rest)) if with_words else ((), ())
    out = []
    kins = _kin_of(term)
    for sense_id in candidates(term):
        if sense_id == UNCLEAR:
            out.append(_unclear_features(term, evidence, named, near_words))
            continue
        if sense_id == MENTION:
            out.append(_mention_features(term, evidence, near_words, rest_words))
            continue
        kin = kins[sense_id]
        summed: dict[str, float] = {}
        get = summed.get
        for name, sense, strength in named:
            if sense == sense_id:
                summed[name] = get(name, 0.0) + strength
                own = f"{name}@{sense_id}"
                summed[own] = get(own, 0.0) + strength
            elif sense in kin:
                name = f"{name}~family"
                summed[name] = get(name, 0.0) + strength
        feats: dict[str, float] = {f"bias@{sense_id}": 1.0}
        for name, total in summed.items():
            feats[name] = math.log1p(total)  # the fifth cue adds less than the first
        _add_words(feats, sense_id, near_words, rest_words)
        out.append(feats)
    return out


def _add_words(feats: dict[str, float], sense_id: str, near_words, rest_words) -> None:
    """The word features of one candidate, in sorted word order (near ones first)."""
    if near_words:
        feats.update(dict.fromkeys([f"near@{sense_id}:{w}" for w in near_words], 1.0))
    if rest_words:
        feats.update(dict.fromkeys([f"sent@{sense_id}:{w}" for w in rest_words], 1.0))


def _unclear_features(
    term: Term, evidence: list[Evidence], named: list, near_words
) -> dict[str, float]:
    """What makes a use unclear: how much evidence there is, how it is spread, and the words
    right next to the use (not the rest of its sentence)."""
    summed: dict[str, float] = {}
    per_sense: dict[str, float] = {}
    for e, (name, sense, strength) in zip(evidence, named, strict=True):
        if sense == MENTION:
            continue
        name = f"{UNCLEAR}:{name}"
        summed[name] = summed.get(name, 0.0) + strength
        if e.kind is not EvidenceKind.PEOPLE:
            per_sense[sense] = per_sense.get(sense, 0.0) + strength
    feats: dict[str, float] = {f"bias@{UNCLEAR}": 1.0, f"bias@{UNCLEAR}:{term.id}": 1.0}
    for name, total in summed.items():
        feats[name] = math.log1p(total)
    if per_sense:
        ranked = sorted(per_sense.values(), reverse=True)
        total = sum(ranked)
        feats[f"{UNCLEAR}:top-share"] = ranked[0] / total
        feats[f"{UNCLEAR}:senses"] = math.log1p(len(ranked))
    else:
        feats[f"{UNCLEAR}:no-evidence"] = 1.0
    _add_words(feats, UNCLEAR, near_words, ())
    return feats


def _mention_features(
    term: Term, evidence: list[Evidence], near_words, rest_words
) -> dict[str, float]:
    feats: dict[str, float] = {f"bias@{MENTION}": 1.0, f"bias@{MENTION}:{term.id}": 1.0}
    for e in evidence:
        if e.sense == MENTION:
            feats[f"{MENTION}:{e.tier}"] = 1.0
    _add_words(feats, MENTION, near_words, rest_words)
    return feats

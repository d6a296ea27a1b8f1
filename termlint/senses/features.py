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
from itertools import repeat
from operator import mul
from typing import TYPE_CHECKING

from ..nlp.stems import stem
from .evidence import Evidence, EvidenceKind

if TYPE_CHECKING:
    from ..glossary.entries import Term
    from ..model import Occurrence
    from .learn import Fitted

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
    """One feature dict per candidate sense of the term, in :func:`candidates` order: its
    bias, its evidence features (:func:`evidence_features`), then its words. The definition of
    the features: training and evaluation score these dicts; the resolver scores the same
    features from compiled tables (:func:`scores`), to the same floats."""
    near, rest = words
    near_words, rest_words = (sorted(near), sorted(rest)) if with_words else ((), ())
    out = []
    for sense_id, biases, ev in zip(
        candidates(term), bias_names(term), evidence_features(term, evidence), strict=True
    ):
        feats = dict.fromkeys(biases, 1.0)
        feats.update(ev)
        # "a reader could not tell" gets only the words next to the use (module docstring)
        _add_words(feats, sense_id, near_words, () if sense_id == UNCLEAR else rest_words)
        out.append(feats)
    return out


def bias_names(term: Term) -> list[tuple[str, ...]]:
    """Each candidate's bias features: one per sense; the pseudo-senses one overall and one
    for the term."""
    return [
        (f"bias@{s}", f"bias@{s}:{term.id}") if s in PSEUDO else (f"bias@{s}",)
        for s in candidates(term)
    ]


def evidence_features(term: Term, evidence: Iterable[Evidence]) -> list[dict[str, float]]:
    """The evidence part of each candidate's features, in :func:`candidates` order: all but
    its bias and its words. The one definition of it, shared by :func:`build` and the run-time
    scorer (:func:`scores`): a feature added here reaches training and the resolver alike."""
    evidence = list(evidence)
    named = [(e.feature, e.sense, e.strength) for e in evidence]  # each name made once
    out = []
    kins = _kin_of(term)
    for sense_id in candidates(term):
        if sense_id == UNCLEAR:
            out.append(_unclear_features(evidence, named))
            continue
        if sense_id == MENTION:
            out.append(_mention_features(evidence))
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
        # the fifth cue adds less than the first
        out.append({name: math.log1p(total) for name, total in summed.items()})
    return out


def _add_words(feats: dict[str, float], sense_id: str, near_words, rest_words) -> None:
    """The word features of one candidate, in sorted word order (near ones first)."""
    if near_words:
        feats.update(dict.fromkeys([f"near@{sense_id}:{w}" for w in near_words], 1.0))
    if rest_words:
        feats.update(dict.fromkeys([f"sent@{sense_id}:{w}" for w in rest_words], 1.0))


def _unclear_features(evidence: list[Evidence], named: list) -> dict[str, float]:
    """What makes a use unclear: how much evidence there is and how it is spread (and, added
    by :func:`build`, the words right next to the use, not the rest of its sentence)."""
    summed: dict[str, float] = {}
    per_sense: dict[str, float] = {}
    for e, (name, sense, strength) in zip(evidence, named, strict=True):
        if sense == MENTION:
            continue
        name = f"{UNCLEAR}:{name}"
        summed[name] = summed.get(name, 0.0) + strength
        if e.kind is not EvidenceKind.PEOPLE:
            per_sense[sense] = per_sense.get(sense, 0.0) + strength
    feats: dict[str, float] = {}
    for name, total in summed.items():
        feats[name] = math.log1p(total)
    if per_sense:
        ranked = sorted(per_sense.values(), reverse=True)
        total = sum(ranked)
        feats[f"{UNCLEAR}:top-share"] = ranked[0] / total
        feats[f"{UNCLEAR}:senses"] = math.log1p(len(ranked))
    else:
        feats[f"{UNCLEAR}:no-evidence"] = 1.0
    return feats


def _mention_features(evidence: list[Evidence]) -> dict[str, float]:
    feats: dict[str, float] = {}
    for e in evidence:
        if e.sense == MENTION:
            feats[f"{MENTION}:{e.tier}"] = 1.0
    return feats


# -- scoring at run time -------------------------------------------------------------------
#
# The resolver scores every use twice. Building each candidate's dict of f-string keys and
# looking every key up (Fitted.scores over build) was most of the cost; instead the bias and
# word weights of a term are read from tables compiled from the model, per candidate. The
# evidence part is still made by evidence_features and looked up by name. The products are
# the same ones, summed by the same ``sum`` in the same order (bias, evidence, near words,
# sentence words), so the scores are the same floats: a word no candidate has a weight for is
# left out, where Fitted.scores adds 0.0 for it (exact), and a sentence word gets 0.0 for
# "a reader could not tell", which has none (exact too).

#: How many words' rows one fitted model keeps compiled over all terms (≈ 100 B each, so
#: ≈ 2 MB; the 370k words of the labelled texts fill 17k): past it a word's row is looked up
#: each time it is read, so memory stays bounded on text of endless vocabulary.
ROWS_KEPT = 20_000


class TermTables:
    """One term's bias and word weights in one fitted model: per candidate, in
    :func:`candidates` order. A word's row (its weight for every candidate, or None where it
    has none) is looked up once and kept."""

    __slots__ = ("bias", "_get", "_near", "_sent", "_near_keys", "_sent_keys", "_budget")

    def __init__(self, weights: dict[str, float], term: Term, budget: list[int]):
        get = self._get = weights.get
        cands = candidates(term)
        self.bias = [tuple(get(name, 0.0) for name in names) for names in bias_names(term)]
        self._near_keys: list[str | None] = [f"near@{s}:" for s in cands]
        # "a reader could not tell" has no sentence words: 0.0 (build gives it none)
        self._sent_keys: list[str | None] = [None if s == UNCLEAR else f"sent@{s}:" for s in cands]
        self._near: dict[str, tuple[float, ...] | None] = {}
        self._sent: dict[str, tuple[float, ...] | None] = {}
        self._budget = budget  # shared by every term of the model: [rows left]

    def near_row(self, word: str) -> tuple[float, ...] | None:
        row = self._near.get(word, _UNSEEN)
        return self._row(self._near, self._near_keys, word) if row is _UNSEEN else row

    def sent_row(self, word: str) -> tuple[float, ...] | None:
        row = self._sent.get(word, _UNSEEN)
        return self._row(self._sent, self._sent_keys, word) if row is _UNSEEN else row

    def _row(self, kept: dict, keys: list[str | None], word: str) -> tuple[float, ...] | None:
        get = self._get
        weights = tuple(0.0 if key is None else get(key + word, 0.0) for key in keys)
        row = weights if any(weights) else None
        if self._budget[0] > 0:
            self._budget[0] -= 1
            kept[word] = row
        return row


_UNSEEN: tuple[float, ...] = ()  # a word not looked up yet (a row is never empty)


def tables(fitted: Fitted, term: Term) -> TermTables:
    """The term's compiled tables in ``fitted`` (made on first use; the weights of a fitted
    model are not changed once it scores)."""
    compiled = fitted.compiled
    key = (term.id, *[s.id for s in term.senses])
    found = compiled.get(key)
    if found is None:
        budget = compiled.setdefault(None, [ROWS_KEPT])
        found = compiled[key] = TermTables(fitted.weights, term, budget)
    return found


def scores(
    fitted: Fitted,
    term: Term,
    evidence_part: list[dict[str, float]],
    near_words: list[str],
    rest_words: list[str],
) -> list[float]:
    """``fitted.scores(build(term, evidence, (near, rest)))``, the same floats, from the
    evidence part (:func:`evidence_features`) and the sorted words, without the dicts."""
    tab = tables(fitted, term)
    rows = [r for r in map(tab.near_row, near_words) if r is not None]
    rows += [r for r in map(tab.sent_row, rest_words) if r is not None]
    # per candidate: its word weights in order
    columns = list(zip(*rows, strict=True)) if rows else None
    get = fitted.weights.get
    out = []
    for c, (bias, feats) in enumerate(zip(tab.bias, evidence_part, strict=True)):
        items = [*bias, *map(mul, map(get, feats, repeat(0.0)), feats.values())]
        if columns:
            items += columns[c]
        out.append(sum(items))
    return out


def read(
    fitted: Fitted,
    term: Term,
    evidence: Iterable[Evidence],
    words: tuple[Iterable[str], Iterable[str]],
) -> tuple[list[float], list[dict[str, float]], tuple[list[str], list[str]]]:
    """One use read by one pass: ``fitted.probabilities(build(term, evidence, words))``, with
    the evidence part and the sorted words it was scored from (what the decision reads)."""
    part = evidence_features(term, evidence)
    near, rest = sorted(words[0]), sorted(words[1])
    return fitted.calibrated(scores(fitted, term, part, near, rest)), part, (near, rest)

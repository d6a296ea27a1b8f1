"""The decision: from probabilities per sense to a reading or a flag.

Pure functions over plain data. The one number that decides whether a use is flagged is the
threshold (chosen on dev data, moved by the writer's ``strictness``); a sense and its narrower
senses count together (a reader who can tell "power-motivated" but not "goal-guarding" knows
the claim), and the narrower one is named only when it carries most of the family's mass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Establishment, Occurrence, Status
from . import features
from .features import MENTION, PSEUDO, UNCLEAR

if TYPE_CHECKING:
    from ..glossary.entries import Term
    from .evidence import Evidence
    from .weights import SenseModel

#: How many evidence lines a reading shows.
SHOWN_EVIDENCE = 5


#: The evidence that a person, not an AI system, does it (the tiers of PEOPLE evidence).
_PEOPLE_TIERS = ("person", "pronoun", "people-doc", "everyday-rule")


def everyday_supported(features_of_everyday: dict[str, float]) -> bool:
    """Whether anything positive says people do it: a person next to the word, a document
    about people, or an everyday cue. In alignment writing a bare use is about AI; the
    everyday reading needs evidence of its own, never just the absence of AI words."""
    return any(
        v > 0
        and (name.startswith((*(f"people.{t}" for t in _PEOPLE_TIERS), "qualifier.", "sentence.")))
        for name, v in features_of_everyday.items()
    )


#: The everyday reading is taken without evidence of people when the model gives it at least
#: this probability (chosen on cross-validation: above it, the out-of-fold readings were
#: everyday uses every time, 22 of 22: people words the lexicon lacks).
EVERYDAY_ON_ITS_OWN = 0.5


def everyday_reading(features_of_everyday: dict[str, float], probability: float) -> bool:
    """Whether a use the model reads as everyday is read so: evidence of people, or the model
    sure enough on its own."""
    return probability >= EVERYDAY_ON_ITS_OWN or everyday_supported(features_of_everyday)


def main_senses(term: Term) -> list[str]:
    return [s.id for s in term.senses if s.ai and not s.broader]


def family_mass(term: Term, probs: dict[str, float]) -> dict[str, float]:
    """Probability per main AI sense, its narrower senses included, among the AI readings
    (the AI senses and "a reader could not tell")."""
    ai_total = sum(p for s, p in probs.items() if _is_ai(term, s) or s == UNCLEAR) or 1.0
    mass = {s: probs.get(s, 0.0) for s in main_senses(term)}
    for sense in term.senses:
        if sense.broader and sense.broader in mass:
            mass[sense.broader] += probs.get(sense.id, 0.0)
    return {s: m / ai_total for s, m in mass.items()}


def best_family(term: Term, probs: dict[str, float]) -> tuple[str, float]:
    """The main sense with the most mass, refined to a narrower sense that carries most of it."""
    mass = family_mass(term, probs)
    if not mass:
        return term.senses[0].id, 0.0
    best = max(mass, key=lambda s: mass[s])
    narrower = [s.id for s in term.senses if s.broader == best]
    if narrower:
        top = max(narrower, key=lambda s: probs.get(s, 0.0))
        if probs.get(top, 0.0) > probs.get(best, 0.0):
            return top, mass[best]
    return best, mass[best]


def clarity(term: Term, probs: dict[str, float]) -> float:
    """How clear the use is, the number the flag threshold is compared with: the best sense
    family's probability against the learned "a reader could not tell" (``?``) alone. A use
    split between two senses but with little ``?`` stays clear (its best sense is named); a use
    the model thinks a reader could not tell is flagged. (Chosen on cross-validation over the
    best family's share of all AI readings, which flagged clear uses split between senses;
    docs/accuracy.md.)"""
    mass = family_mass(term, probs)
    if not mass:
        return 0.0
    best = max(mass.values())
    ai_total = sum(p for s, p in probs.items() if _is_ai(term, s) or s == UNCLEAR) or 1.0
    unclear = probs.get(UNCLEAR, 0.0) / ai_total
    return best / (best + unclear) if best + unclear else 0.0


def _is_ai(term: Term, sense_id: str) -> bool:
    sense = term.sense(sense_id)
    return sense is not None and sense.ai


def _related(term: Term, a: str, b: str) -> bool:
    sa = term.sense(a)
    sb = term.sense(b)
    return a == b or bool(sa and sa.broader == b) or bool(sb and sb.broader == a)


def explain(
    term: Term,
    sense_id: str,
    evidence: list[Evidence],
    feats: list[dict[str, float]],
    model: SenseModel,
    words: tuple[list[str], list[str]] | None = None,
) -> list[dict]:
    """What spoke for the sense, strongest first: ``{kind, sense, weight, text}`` records whose
    weight is the learned weight times the evidence's strength (its share of the score).

    ``feats``: each candidate's features (:func:`features.build`), or only their evidence part
    (:func:`features.evidence_features`) with ``words``, the sorted words near the use and in
    the rest of its sentence (what the resolver keeps): the same reasons either way."""
    order = [s.id for s in term.senses] + list(PSEUDO)
    if sense_id not in order or not feats:
        return []
    weights = model.stage2.weights
    scored: list[dict] = []
    # Only a reason whose rounded weight is over _SHOWN_OVER is shown (below), so none whose
    # weight is not over it is made at all: most of a use's evidence and words.
    related: dict[str, bool] = {}  # per sense of the evidence (a use's evidence has few)
    for e in evidence:
        if e.sense == MENTION:
            if sense_id == MENTION:
                w = weights.get(f"{MENTION}:{e.tier}", 0.0)
                if w > _SHOWN_OVER:
                    scored.append(_reason(e.kind.value, MENTION, w, e.text))
            continue
        rel = related.get(e.sense)
        if rel is None:
            rel = related[e.sense] = _related(term, e.sense, sense_id)
        if not rel:
            continue
        name = e.feature if e.sense == sense_id else f"{e.feature}~family"
        w = (weights.get(name, 0.0) + weights.get(f"{name}@{sense_id}", 0.0)) * e.strength
        if w > _SHOWN_OVER:
            scored.append(_reason(e.kind.value, e.sense, w, e.text))
    if words is None:
        for name, value in feats[order.index(sense_id)].items():
            if name.startswith(("near@", "sent@")) and value:
                w = weights.get(name, 0.0)
                word = name.split(":", 1)[1]
                where = "next to the word" if name.startswith("near@") else "in the sentence"
                scored.append(_reason("words", sense_id, w, f"the word '{word}…' {where}"))
    else:
        # the same weights (features.build's word features), read from the compiled tables;
        # a word with no weight (None) would be cut below anyway
        c = order.index(sense_id)
        tables = features.tables(model.stage2, term)
        near, rest = words
        for stems, row_of, where in (
            (near, tables.near_row, "next to the word"),
            (rest, tables.sent_row, "in the sentence"),
        ):
            for stem in stems:
                row = row_of(stem)
                if row is not None and row[c] > _SHOWN_OVER:
                    # the text build's feature name gives: near@{sense}:{stem} after its first ':'
                    word = stem if ":" not in sense_id else f"{sense_id}:{stem}".split(":", 1)[1]
                    scored.append(_reason("words", sense_id, row[c], f"the word '{word}…' {where}"))
    scored = [r for r in scored if r["weight"] > _SHOWN_OVER]
    scored.sort(key=lambda r: -r["weight"])
    out, seen = [], set()
    for r in scored:
        if r["text"] not in seen:
            seen.add(r["text"])
            out.append(r)
    return out[:SHOWN_EVIDENCE]


#: A reason is shown when its weight, rounded to two places, is over this.
_SHOWN_OVER = 0.05


def _reason(kind: str, sense: str, weight: float, text: str) -> dict:
    return {"kind": kind, "sense": sense, "weight": round(weight, 2), "text": text}


def _explained(occ: Occurrence, reasons: list[dict], fallback: list[str]) -> None:
    occ.reasons = reasons
    occ.evidence = [r["text"] for r in reasons] or fallback


def apply(
    occ: Occurrence,
    term: Term,
    probs: dict[str, float] | None,
    evidence: list[Evidence],
    feats: list[dict[str, float]],
    model: SenseModel,
    threshold: float,
    established: Establishment | None,
    own_link: str | None = None,
    defines: bool = False,
    defines_for_document: bool = False,
    words: tuple[list[str], list[str]] | None = None,
) -> None:
    """Set the occurrence's reading: sense, status, confidence, candidates, evidence.
    ``feats`` and ``words`` as :func:`explain` takes them."""
    occ.defines = defines
    if occ.mention:
        occ.status, occ.evidence = Status.MENTION, ["the word is discussed as a word"]
        return
    if not term.multi_sense:
        occ.sense, occ.confidence, occ.status = term.senses[0].id, 1.0, Status.SINGLE_SENSE
        occ.evidence = ["the term has one sense"]
        return
    if own_link:
        occ.sense, occ.confidence, occ.status = own_link, 1.0, Status.LINKED
        occ.evidence = [f"linked to the glossary sense {own_link}"]
        return
    assert probs is not None
    occ.scores = {
        s: round(p, 3) for s, p in sorted(probs.items(), key=lambda kv: -kv[1]) if s not in PSEUDO
    }
    if probs.get(MENTION, 0.0) > max(p for s, p in probs.items() if s != MENTION) and not (
        established and established.declared
    ):
        occ.status, occ.confidence = Status.MENTION, round(probs[MENTION], 2)
        reasons = explain(term, MENTION, evidence, feats, model, words)
        _explained(occ, reasons, [])
        occ.evidence.insert(0, "the word seems talked about as a word")
        return
    everyday = [s.id for s in term.senses if not s.ai]
    top = max((s for s in probs if s not in PSEUDO), key=lambda s: probs[s])
    order = [s.id for s in term.senses]
    if (
        everyday
        and top in everyday
        and not (established and established.declared)
        and everyday_reading(feats[order.index(top)], probs[top])
    ):
        occ.sense, occ.status, occ.confidence = top, Status.COLLOQUIAL, round(probs[top], 2)
        _explained(
            occ,
            explain(term, top, evidence, feats, model, words),
            ["a person or everyday setting, no AI system in sight"],
        )
        return
    sense, mass = best_family(term, probs)
    masses = family_mass(term, probs)
    clear = clarity(term, probs)
    if established is not None and established.own_words:
        # Defined in words that fit no one sense well: the reader still knows what is meant.
        occ.established = (established.sense, established.origin)
        if clear < threshold:
            occ.sense, occ.status = established.sense, Status.DEFINED
            occ.confidence = round(masses.get(established.sense or "", mass), 2)
            occ.evidence = [established.origin]
            return
        established = None
    if established is not None:
        occ.established = (established.sense, established.origin)
        own = sum(m for s, m in masses.items() if _related(term, s, established.sense or ""))
        rival = max(
            (s for s in masses if not _related(term, s, established.sense or "")),
            key=lambda s: masses[s],
            default=None,
        )
        # A sense read from a definition is itself a reading, so less takes it over.
        cut = model.inconsistent_defined if established.defined else model.inconsistent
        if rival is not None and masses[rival] >= cut and own < 1 - cut:
            occ.sense, occ.status = (
                best_family(term, {s: p for s, p in probs.items() if _related(term, s, rival)})[0],
                Status.INCONSISTENT,
            )
            occ.confidence = round(masses[rival], 2)
            _explained(occ, explain(term, rival, evidence, feats, model, words), [])
            occ.evidence.append(f"but the document {established.origin}")
            return
        occ.sense = established.sense
        if defines and defines_for_document:
            occ.status, occ.confidence = Status.DEFINED, round(mass, 2)
            occ.sense = sense
            _explained(occ, explain(term, sense, evidence, feats, model, words), [])
            occ.evidence.insert(0, "the author defines the word here, read as this sense")
            return
        occ.status = Status.DECLARED if established.declared else Status.ESTABLISHED
        occ.confidence = 1.0 if established.declared else round(max(own, mass), 2)
        occ.evidence = [established.origin]
        return
    if clear >= threshold:
        occ.sense, occ.confidence = sense, round(mass, 2)
        occ.status = Status.DEFINED if defines else Status.RESOLVED
        _explained(
            occ,
            explain(term, sense, evidence, feats, model, words),
            [f"read as the sense most uses like this one have (p = {mass:.2f})"],
        )
        return
    ranked = sorted(masses, key=lambda s: -masses[s])
    occ.status, occ.confidence = Status.AMBIGUOUS, round(mass, 2)
    # The senses with real weight first; then the term's main senses in the glossary's order
    # (where nothing points anywhere, a reader is offered the usual senses, not noise).
    occ.candidates = [s for s in ranked if masses[s] >= 0.1]
    occ.candidates += [s for s in main_senses(term) if s not in occ.candidates]
    split = ", ".join(f"{_label(term, s)} {round(masses[s] * 100)}%" for s in ranked[:3])
    unclear = round(
        probs.get(UNCLEAR, 0.0)
        / (sum(p for s, p in probs.items() if _is_ai(term, s) or s == UNCLEAR) or 1.0)
        * 100
    )
    occ.evidence = [
        f"a reader could likely not tell which sense is meant ({unclear}% against "
        f"{round(mass * 100)}% for the likeliest sense; {split})"
    ]
    if defines:
        # The author defines it here in words of their own: read as the nearest sense.
        occ.status, occ.sense, occ.candidates = Status.DEFINED, sense, []
        occ.evidence = [
            f"the author defines the word here, in words that fit no one sense well ({split})"
        ]


def _label(term: Term, sense_id: str) -> str:
    sense = term.sense(sense_id)
    return sense.label.split(" (")[0] if sense else sense_id

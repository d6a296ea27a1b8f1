"""The spaCy stage — the only module that imports spaCy.

One pipeline per process: ``spacy.blank("en")``'s tokenizer, with sentence boundaries from
:mod:`termlint.sentences` (a regex; spaCy's sentencizer cost more than the Markdown parse on a
large corpus). Every word type gets a crude
stem as its NORM (set once per lexeme, not per token), so cue phrases match any inflection
without anyone writing inflection patterns. Term forms match on LOWER (exact words). The output
is plain data (:class:`BlockAnalysis`), so the later stages never see spaCy objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from .sentences import sentence_bounds, sentence_index
from .stems import stem

if TYPE_CHECKING:
    from .glossary import Glossary

BATCH_SIZE = 256


@dataclass
class TermHit:
    term_id: str
    kind: str  # "form" or "verb"
    start: int  # character offsets in the block's prose text
    end: int
    token: int  # index of the first token
    token_end: int
    sentence: int
    left: tuple[str, ...]  # lowercased tokens just before (nearest last)
    right: tuple[str, ...]  # lowercased tokens just after


@dataclass
class CueHit:
    term_id: str
    sense_id: str
    phrase: str
    weight: float
    start: int
    end: int
    token: int
    token_end: int
    sentence: int


@dataclass
class BlockAnalysis:
    sentences: list[tuple[int, int]] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    cues: list[CueHit] = field(default_factory=list)
    ai_tokens: list[tuple[int, int]] = field(default_factory=list)  # (token, sentence)
    human_tokens: list[tuple[int, int]] = field(default_factory=list)
    pronoun_tokens: list[tuple[int, int]] = field(default_factory=list)
    exclusions: list[tuple[int, int]] = field(default_factory=list)  # character spans


def phrase_variants(phrase: str) -> set[str]:
    """Hyphen and space spellings of a phrase: 'in-context' also matches 'in context'."""
    variants = {phrase}
    if "-" in phrase:
        variants.add(phrase.replace("-", " "))
    words = phrase.split()
    if 1 < len(words) <= 3:
        variants.add("-".join(words))
    return variants


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    import yaml

    text = resources.files("termlint").joinpath("data", "lexicon.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _lean_english():
    """Blank English without the tokenizer's 1,300 special cases.

    Loading them took longer than building all of termlint's matchers; they only keep
    contractions ("do n't") and abbreviations ("e.g.") together, which neither matching nor
    the regex sentence splitter needs.
    """
    from spacy.lang.en import English

    class LeanEnglish(English):
        lang = "en"

        class Defaults(English.Defaults):
            tokenizer_exceptions: dict = {}  # noqa: RUF012

    return LeanEnglish()


class Analyzer:
    """The spaCy pipeline and matchers for one glossary; build once, reuse for every file."""

    def __init__(self, glossary: Glossary):
        from spacy.attrs import NORM
        from spacy.matcher import PhraseMatcher

        nlp = _lean_english()
        nlp.vocab.lex_attr_getters[NORM] = stem
        self.nlp = nlp
        self.keys: dict[int, tuple] = {}
        self.term_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        make = nlp.make_doc
        for term in glossary.terms.values():
            for kind, forms in (("form", term.forms), ("verb", term.verb_forms)):
                key = self._key(("term", term.id, kind))
                docs = [make(v) for f in forms for v in phrase_variants(f)]
                if docs:
                    self.term_matcher.add(key, docs)
            if term.exclusions:
                key = self._key(("exclusion", term.id))
                self.term_matcher.add(key, [make(v) for e in term.exclusions
                                            for v in phrase_variants(e)])
            for sense in term.senses:
                for cue in sense.cues:
                    key = self._key(("cue", term.id, sense.id, cue.phrase, cue.weight))
                    self.norm_matcher.add(key, [make(v) for v in phrase_variants(cue.phrase)])
        lex = lexicon()
        for kind, words in (("ai", lex["ai_agents"] + lex["ai_topics"]),
                            ("human", lex["human_agents"]), ("pronoun", lex["human_pronouns"])):
            key = self._key(("context", kind))
            self.norm_matcher.add(key, [make(v) for w in words for v in phrase_variants(str(w))])

    def _key(self, meaning: tuple) -> str:
        name = "|".join(map(str, meaning))
        self.keys[self.nlp.vocab.strings.add(name)] = meaning
        return name

    def analyze(self, texts: list[str]) -> list[BlockAnalysis]:
        """Analyse prose blocks in one batch; returns plain data, one per text."""
        docs = self.nlp.pipe(texts, batch_size=BATCH_SIZE)
        return [self._analyze_doc(doc, text) for doc, text in zip(docs, texts, strict=True)]

    def _analyze_doc(self, doc, text: str) -> BlockAnalysis:
        result = BlockAnalysis()
        result.sentences = sentence_bounds(text)  # doc.text would rebuild it token by token
        starts = [s for s, _ in result.sentences]
        for match_id, start, end in self.term_matcher(doc):
            meaning = self.keys[match_id]
            start_char = doc[start].idx
            end_char = doc[end - 1].idx + len(doc[end - 1])
            if meaning[0] == "exclusion":
                result.exclusions.append((start_char, end_char))
                continue
            left = tuple(doc[i].lower_ for i in range(max(0, start - 4), start))
            right = tuple(doc[i].lower_ for i in range(end, min(len(doc), end + 4)))
            result.terms.append(TermHit(meaning[1], meaning[2], start_char, end_char, start, end,
                                        sentence_index(starts, start_char), left, right))
        for match_id, start, end in self.norm_matcher(doc):
            meaning = self.keys[match_id]
            start_char = doc[start].idx
            sentence = sentence_index(starts, start_char)
            if meaning[0] == "context":
                target = {"ai": result.ai_tokens, "human": result.human_tokens,
                          "pronoun": result.pronoun_tokens}[meaning[1]]
                target.append((start, sentence))
                continue
            _, term_id, sense_id, phrase, weight = meaning
            end_char = doc[end - 1].idx + len(doc[end - 1])
            result.cues.append(CueHit(term_id, sense_id, phrase, float(weight), start_char,
                                      end_char, start, end, sentence))
        result.terms = _longest_terms(result.terms)
        result.cues = _longest_cues(result.cues)
        return result


def _longest_terms(hits: list[TermHit]) -> list[TermHit]:
    """Keep the longest of overlapping term matches ("alignment faking" over "faking")."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[TermHit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _longest_cues(hits: list[CueHit]) -> list[CueHit]:
    """Drop a cue that lies strictly inside a longer cue of the same term."""
    by_term: dict[str, list[CueHit]] = {}
    for h in hits:
        by_term.setdefault(h.term_id, []).append(h)
    kept = []
    for group in by_term.values():
        unique = {(h.sense_id, h.start, h.end): h for h in group}  # one phrase per span
        group = list(unique.values())
        for h in group:
            inside = any(o is not h and o.start <= h.start and h.end <= o.end
                         and (o.end - o.start) > (h.end - h.start) for o in group)
            if not inside:
                kept.append(h)
    kept.sort(key=lambda h: h.start)
    return kept


_ANALYZERS: dict[int, tuple[Glossary, Analyzer]] = {}


def analyzer_for(glossary: Glossary) -> Analyzer:
    """The process-wide analyzer for a glossary, built on first use."""
    entry = _ANALYZERS.get(id(glossary))
    if entry is None or entry[0] is not glossary:
        entry = (glossary, Analyzer(glossary))
        _ANALYZERS[id(glossary)] = entry
    return entry[1]

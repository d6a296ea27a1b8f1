"""Term occurrences: which term matches are real uses, and which are mentions.

Pure functions over the plain data of :mod:`termlint.nlp.analyzer` — no spaCy here. A verb-only form
("scheme") counts only as a verb; a match inside an exclusion ("Ponzi scheme") is not an
occurrence; a word discussed as a word ("the word 'schemer'") is a *mention*.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from sys import intern
from typing import TYPE_CHECKING, Any

from ..model import NO_ITEMS, NO_SCORES, Occurrence
from ..nlp.stems import stem

if TYPE_CHECKING:
    from ..document.markdown import MarkdownDoc
    from ..glossary.entries import Glossary
    from ..model import BlockAnalysis, TermHit

OPEN_QUOTES = {'"', "“", "'", "‘", "«", "„"}
CLOSE_QUOTES = {'"', "”", "'", "’", "»", "“"}


@dataclass(frozen=True)
class _Lexicon:
    mention_nouns: frozenset[str]
    mention_verbs: tuple[tuple[str, ...], ...]
    mention_lead_verbs: frozenset[str]
    verb_preceders: frozenset[str]
    determiners: frozenset[str]
    ai_stems: frozenset[str]
    developer_stems: frozenset[str]
    agent_links: frozenset[str]


def _lex() -> _Lexicon:
    global _LEX
    if _LEX is None:
        from ..nlp.analyzer import lexicon

        lex = lexicon()
        _LEX = _Lexicon(
            mention_nouns=frozenset(str(w).lower() for w in lex["mention_nouns"]),
            mention_verbs=tuple(tuple(str(p).lower().split()) for p in lex["mention_verbs"]),
            mention_lead_verbs=frozenset(str(w).lower() for w in lex["mention_lead_verbs"]),
            verb_preceders=frozenset(str(w).lower() for w in lex["verb_preceders"]),
            determiners=frozenset(str(w).lower() for w in lex["determiners"]),
            ai_stems=frozenset(stem(str(w)) for w in lex["ai_agents"] if " " not in str(w)),
            developer_stems=frozenset(stem(str(w)) for w in lex["developer_agents"]),
            agent_links=frozenset(str(w).lower() for w in lex["agent_links"]),
        )
    return _LEX


_LEX: _Lexicon | None = None


def find_occurrences(
    doc: MarkdownDoc, analyses: list[BlockAnalysis], glossary: Glossary, lean: bool = False
) -> list[Occurrence]:
    """Turn term matches into occurrences, dropping non-term uses (see OccurrenceFinder)."""
    finder = OccurrenceFinder(doc, glossary, lean)
    for index, analysis in enumerate(analyses):
        finder.add(index, analysis)
    return finder.finish()


class OccurrenceFinder:
    """:func:`find_occurrences` one block at a time, as the analyzer reads the blocks: a
    block's term matches (each with its context words) become occurrences at once, and in a
    lean reading are dropped then, instead of every block's living until the whole document
    is analysed. ``lean``: the lists the reading replaces wholesale start as shared read-only
    empties (see ``model.ReadOnlyList``).

    A term that needs AI context counts the AI words of the whole document when its own block
    has none: such a block waits for the end, and its uses are merged back in block order.
    """

    def __init__(self, doc: MarkdownDoc, glossary: Glossary, lean: bool = False):
        self.doc = doc
        self.glossary = glossary
        self.lean = lean
        self.empties: dict[str, Any] = (
            {"evidence": NO_ITEMS, "candidates": NO_ITEMS, "scores": NO_SCORES, "reasons": NO_ITEMS}
            if lean
            else {}
        )
        self.found: list[Occurrence] = []
        self.waiting: list[tuple[int, BlockAnalysis]] = []
        self.ai_in_doc = 0

    def add(self, index: int, analysis: BlockAnalysis) -> None:
        self.ai_in_doc += analysis.ai_count
        if not analysis.terms:
            return  # most blocks: no need to make their block objects
        terms = self.glossary.terms
        if not analysis.ai_count and any(
            terms[hit.term_id].requires_ai_context for hit in analysis.terms
        ):
            self.waiting.append((index, analysis))
            return
        self.found.extend(self._read_block(index, analysis, self.ai_in_doc))
        if self.lean:
            analysis.terms = NO_ITEMS  # read into occurrences; nothing reads them again

    def finish(self) -> list[Occurrence]:
        """Every occurrence, in document order."""
        if not self.waiting:
            return self.found
        late: list[Occurrence] = []
        for index, analysis in self.waiting:
            late.extend(self._read_block(index, analysis, self.ai_in_doc))
            if self.lean:
                analysis.terms = NO_ITEMS
        self.waiting = []
        return list(heapq.merge(self.found, late, key=lambda o: o.block))

    def _read_block(
        self, index: int, analysis: BlockAnalysis, ai_in_doc: int
    ) -> Iterator[Occurrence]:
        doc, glossary, empties = self.doc, self.glossary, self.empties
        block = doc.blocks[index]
        previous: Occurrence | None = None
        for hit in analysis.terms:
            term = glossary.terms[hit.term_id]
            if any(s <= hit.start and hit.end <= e for s, e in analysis.exclusions):
                continue
            if hit.kind == "verb" and not _is_verb_use(hit, block.text):
                continue
            if term.requires_ai_context and not _has_ai_context(hit, analysis, ai_in_doc):
                continue
            start = block.source_offset(hit.start)
            end = block.source_offset(hit.end - 1) + 1
            occ = Occurrence(
                term_id=hit.term_id,
                match=intern(doc.source.text[start:end]),  # one str per spelling
                start=start,
                end=end,
                block=block.index,
                sentence=hit.sentence,
                token=hit.token,
                in_blockquote=block.in_quote,
                in_heading=block.kind == "heading",
                verb=hit.kind == "verb",
                text_start=hit.start,
                text_end=hit.end,
                **empties,
            )
            occ.mention = (
                is_mention(hit)
                or (
                    previous is not None
                    and previous.mention
                    and _listed_after(block.text, previous.text_end, hit.start)
                )
                or (
                    _quoted(hit) and _talks_about_words(block.text, analysis.sentence(hit.sentence))
                )
            )
            if any(s.agent for s in term.senses):
                occ.agent, occ.agent_word = agent_of(hit, occ.match)
            yield occ
            previous = occ


_QUOTED_LIST_GAP = re.compile(r"""["”'’]\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)["“'‘]$""")


_WORD_TALK = re.compile(
    r"\b(?:word|words|term|terms|label|labels|name|names|phrase|jargon|"
    r"definition|definitions|define|defines|defined|undefined|qualifier|"
    r"qualifiers|qualification|meaning|meanings|means|meant|"
    r"synonym|synonyms|spelling|spelled|translation|overloaded)\b",
    re.I,
)


def _quoted(hit: TermHit) -> bool:
    return (
        bool(hit.left)
        and hit.left[-1] in OPEN_QUOTES
        and bool(hit.right)
        and hit.right[0] in CLOSE_QUOTES
    )


def _talks_about_words(text: str, sentence: tuple[int, int]) -> bool:
    """A sentence about words and what they mean: a quoted term in it is a mention
    ('papers use "scheming" without a qualifier', '"schemer" has two meanings')."""
    return bool(_WORD_TALK.search(text, sentence[0], sentence[1]))


def _listed_after(text: str, previous_end: int, start: int) -> bool:
    """A quoted word listed right after a quoted mention is one too: the words "scheming"
    and "deceptive alignment"."""
    gap = text[previous_end:start]
    return len(gap) <= 12 and bool(_QUOTED_LIST_GAP.fullmatch(gap))


def _has_ai_context(hit: TermHit, analysis: BlockAnalysis, ai_in_doc: int) -> bool:
    return analysis.ai_count > 0 or ai_in_doc >= 3


def _is_verb_use(hit: TermHit, text: str) -> bool:
    """'models that scheme', 'it might scheme' — not 'a training scheme' or 'in Scheme'."""
    lex = _lex()
    if not hit.left:
        return False
    prev = hit.left[-1]
    if prev in lex.determiners:
        return False
    if prev in ("that", "which", "who"):  # "organisms that scheme", not "that scheme failed"
        return len(hit.left) >= 2 and (
            _is_ai_agent(hit.left[-2], lex) or _looks_plural(hit.left[-2])
        )
    if prev in lex.verb_preceders or prev in ("has", "have", "had"):
        return True
    return _is_ai_agent(prev, lex)


def _is_ai_agent(word: str, lex: _Lexicon) -> bool:
    return _stem_in(word, lex.ai_stems)


def _stem_in(word: str, stems: frozenset[str]) -> bool:
    """The word, or the word less a plural s, has one of the stems."""
    return stem(word) in stems or (word.endswith("s") and stem(word[:-1]) in stems)


def _looks_plural(word: str) -> bool:
    return len(word) > 3 and word.isalpha() and word.endswith("s") and not word.endswith("ss")


def is_mention(hit: TermHit) -> bool:
    """A word talked about as a word: 'the term scheming', '“schemer” is used for …'."""
    lex = _lex()
    left, right = hit.left, hit.right
    quoted = _quoted(hit)
    bare_left = left[:-1] if quoted else left
    if bare_left and bare_left[-1] in lex.mention_nouns:
        return True
    if quoted:
        if bare_left and bare_left[-1] in lex.mention_lead_verbs:
            return True
        if (
            len(bare_left) >= 2
            and bare_left[-1] == "by"
            and bare_left[-2] in ("mean", "means", "meant", "meaning")
        ):
            return True  # what people mean by "scheming"
        after = right[1:]
        for phrase in lex.mention_verbs:
            if tuple(after[: len(phrase)]) == phrase:
                return True
    return False


def agent_of(hit: TermHit, match: str) -> tuple[str, str]:
    """Who does what the word names, when the words right around it say: ``("ai", "model")``
    for "a model that sandbags", "the model is not sandbagging", "sandbagging models",
    "sandbagging by the model"; ``("developer", "labs")`` for "labs accused of sandbagging".

    Reads back over auxiliaries, modals, adverbs and the like (the lexicon's agent_links) to
    the nearest other word, and forward over "by" and a determiner; ``("", "")`` otherwise.
    """
    lex = _lex()
    for word in reversed(hit.left):
        kind = _agent_kind(word, lex)
        if kind:
            return kind, word
        if word not in lex.agent_links:
            break
    right = hit.right
    if right and right[0] == "by":  # "sandbagging by the developer"
        after = [w for w in right[1:3] if w not in lex.determiners]
    elif match.lower().endswith("ing"):  # "a sandbagging model"
        after = list(right[:1])
    else:
        after = []
    for word in after[:1]:
        kind = _agent_kind(word, lex)
        if kind:
            return kind, word
    return "", ""


def _agent_kind(word: str, lex: _Lexicon) -> str:
    if _is_ai_agent(word, lex):
        return "ai"
    if _stem_in(word, lex.developer_stems):
        return "developer"
    return ""

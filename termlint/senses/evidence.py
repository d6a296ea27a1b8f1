"""Typed evidence: what a careful reader weighs when reading a use, one provider per kind.

A provider is a plain function ``(DocumentView, Occurrence, Term) -> Iterable[Evidence]``. It
says *what* it found — a cue next to the word, a heading, a person doing it — and how strong
the finding is on its own terms (distance, share); it never says how much that should count.
How much each kind counts is learned from labelled data (:mod:`termlint.senses.learn`) and
applied by :mod:`termlint.senses.features`. Adding a kind of evidence is one enum member and one
provider in :data:`LOCAL_PROVIDERS` or :data:`CONTEXT_PROVIDERS`.

No spaCy here: providers read the plain :class:`~termlint.model.BlockAnalysis` records.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from ..model import BlockAnalysis, CueHit, Occurrence, compact_numbers
from .citations import LinkCue, link_cues

if TYPE_CHECKING:
    from ..document.markdown import MarkdownDoc
    from ..glossary.entries import Glossary, Term


class EvidenceKind(str, Enum):
    """The kinds of evidence, each made by one provider."""

    QUALIFIER = "qualifier"  # a cue right next to the word ("in-context scheming")
    SENTENCE_CUE = "sentence"  # a cue elsewhere in the sentence
    CONTRAST = "contrast"  # a cue the sentence sets against the word ("…, or just role-play?")
    AGENT = "agent"  # who does it ("a model that sandbags", "labs accused of sandbagging")
    CITATION = "citation"  # a link to a cited source, or its title written out, in the sentence
    PARAGRAPH = "paragraph"  # a cue in another sentence of the paragraph
    NEIGHBOUR = "neighbour"  # a cue in the paragraph before or after
    HEADING = "heading"  # a cue in the heading of the section
    TITLE = "title"  # a cue in the document's title or a higher heading
    FRAMING = "framing"  # the share of the whole document's cues that point to a sense
    PEOPLE = "people"  # a person doing it, or a document with no AI in it
    OTHER_USES = "other-uses"  # how the document's other uses of the term read (first pass)
    DEFINITION = "definition"  # the author's own definition elsewhere in the document
    MENTION_SHAPE = "mention-shape"  # the word may be talked about as a word: quotes, "the term"


#: A glossary cue at or above this weight names its sense on its own ("in-context", "Apollo's
#: evals"); below it, a cue is a generic word of the sense's world ("training", "eval"). The
#: glossary's numbers only sort cues into these two tiers; how much a tier counts is learned.
SPECIFIC_CUE_WEIGHT = 1.5
#: Tokens: a cue this close to the word qualifies it.
QUALIFIER_DISTANCE = 2
#: Sentences: how far apart in one paragraph a cue still counts for a use. Paragraphs written
#: by people are far shorter; the bound keeps a paragraph of thousands of sentences (a whole
#: file on one line) linear in its uses, where every use read every cue.
PARAGRAPH_REACH = 50


@dataclass(frozen=True, slots=True)
class Evidence:
    """One finding for one sense, before any learned weight."""

    kind: EvidenceKind
    sense: str
    strength: float  # 1.0 for a full-strength finding; distance and share scale it down
    text: str  # what a writer reads: "'in-context' right before the word"
    tier: str = ""  # "specific" | "generic" for cues, else ""
    offset: int | None = None  # source offset of what was found, where there is one

    @property
    def feature(self) -> str:
        # made once per (kind, tier): an enum's .value is a slow descriptor, read per use
        key = (self.kind, self.tier)
        name = _FEATURE_NAMES.get(key)
        if name is None:
            value = self.kind.value
            name = _FEATURE_NAMES[key] = f"{value}.{self.tier}" if self.tier else value
        return name


_FEATURE_NAMES: dict[tuple[EvidenceKind, str], str] = {}


class FirstPass(Mapping):
    """One use's first-pass probabilities by sense, read like the dict it replaces: the
    term's reading names shared by every use, the numbers packed (a dict of boxed floats per
    use was most of the memory a file dense in terms took while it was read)."""

    __slots__ = ("senses", "probs")

    def __init__(self, senses: tuple[str, ...], probs):
        self.senses = senses
        self.probs = array("d", probs)

    def __getitem__(self, sense_id: str) -> float:
        try:
            return self.probs[self.senses.index(sense_id)]
        except ValueError:
            raise KeyError(sense_id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.senses)

    def __len__(self) -> int:
        return len(self.senses)

    def items(self):
        return zip(self.senses, self.probs, strict=True)


class FirstPassTable(MutableMapping):
    """Every use's first-pass probabilities by use index, read like the dict of
    :class:`FirstPass` it replaces: the numbers of all uses in one array, a use's row found
    by its index (an object, an array and a dict entry per use was most of what the first
    pass kept of a file dense in terms)."""

    __slots__ = ("_at", "_names", "_senses", "_numbers", "_count", "_odd")

    def __init__(self, size: int):
        self._at = array("q", [-1]) * size  # where a use's row starts in _numbers; -1: none
        self._names = array("i", [0]) * size  # which reading names the row goes with (few)
        self._senses: list[tuple[str, ...]] = []
        self._numbers = array("d")
        self._count = 0
        self._odd: dict[int, Mapping[str, float]] = {}  # readings that name a sense twice

    def __setitem__(self, index: int, probs: Mapping[str, float]) -> None:
        if index in self:
            raise ValueError(f"use {index} already has a first-pass reading")
        self._count += 1
        if not isinstance(probs, FirstPass):
            self._odd[index] = probs
            return
        try:
            names = self._senses.index(probs.senses)
        except ValueError:
            names = len(self._senses)
            self._senses.append(probs.senses)
        self._at[index] = len(self._numbers)
        self._names[index] = names
        self._numbers.extend(probs.probs)

    def __getitem__(self, index: int) -> Mapping[str, float]:
        if not 0 <= index < len(self._at):
            raise KeyError(index)
        at = self._at[index]
        if at < 0:
            return self._odd[index]
        senses = self._senses[self._names[index]]
        return FirstPass(senses, self._numbers[at : at + len(senses)])

    def __delitem__(self, index: int) -> None:
        raise TypeError("a first-pass reading is kept for the rest of the reading")

    def __contains__(self, index) -> bool:
        if not isinstance(index, int) or not 0 <= index < len(self._at):
            return False
        return self._at[index] >= 0 or index in self._odd

    def __iter__(self) -> Iterator[int]:
        return (i for i in range(len(self._at)) if i in self)

    def __len__(self) -> int:
        return self._count


class Positions:
    """An occurrence's index by identity (records with equal fields are still two uses):
    the ids sorted in one array and found by bisection, not a dict entry per use."""

    __slots__ = ("_ids", "_indexes")

    def __init__(self, occurrences: list[Occurrence]):
        pairs = sorted((id(o), i) for i, o in enumerate(occurrences))
        self._ids = array("Q", (p[0] for p in pairs))
        self._indexes = compact_numbers([p[1] for p in pairs])

    def get(self, key: int, default: int = -1) -> int:
        at = bisect_left(self._ids, key)
        if at < len(self._ids) and self._ids[at] == key:
            return self._indexes[at]
        return default


#: How many blocks' indexes a view keeps built (see DocumentView.index).
INDEXES_KEPT = 64


@dataclass
class DocumentView:
    """What providers read about one document: its blocks, their analyses, and derived indexes."""

    doc: MarkdownDoc
    analyses: list[BlockAnalysis]
    glossary: Glossary
    occurrences: list[Occurrence] = field(default_factory=list)
    links: dict[int, list[LinkCue]] = field(default_factory=dict)
    ai_in_doc: int = 0
    human_in_doc: int = 0
    framing_mass: dict[str, dict[str, float]] = field(default_factory=dict)
    #: per occurrence (by index): the first-pass probabilities (filled by the resolver)
    first_pass: MutableMapping[int, Mapping[str, float]] = field(default_factory=dict)
    definitional: set[int] = field(default_factory=set)  # indexes of defining occurrences
    document_scope: set[int] = field(default_factory=set)  # definitions that govern the document
    exclude: frozenset[str] = frozenset()  # kinds left out (ablation in training only)
    #: occurrence → its index, by identity (records with equal fields are still two uses)
    position: Positions | dict[int, int] = field(default_factory=dict)
    _totals: tuple | None = None  # per term: first-pass sums over uses (see other_uses)
    _indexes: dict[int, BlockIndex] = field(default_factory=dict)

    def index(self, block: int) -> BlockIndex:
        """A block's cues and agent tokens grouped by term and sentence (built on first use).

        The latest blocks read are kept, least recently read out first: uses are read in
        document order, so a long document's indexes are not all alive at once (a rebuilt one
        is the same), while a heading or title that every use of its section reads stays."""
        indexes = self._indexes
        found = indexes.pop(block, None)  # put back last: the most recently read
        if found is None:
            if len(indexes) >= INDEXES_KEPT:
                del indexes[next(iter(indexes))]
            found = BlockIndex(self.analyses[block])
        indexes[block] = found
        return found

    @classmethod
    def build(
        cls,
        doc: MarkdownDoc,
        analyses: list[BlockAnalysis],
        glossary: Glossary,
        occurrences: list[Occurrence],
    ) -> DocumentView:
        view = cls(doc, analyses, glossary, occurrences)
        view.position = Positions(occurrences)
        view.first_pass = FirstPassTable(len(occurrences))
        view.links = link_cues(
            doc, glossary, [i for i, a in enumerate(analyses) if a.sentence_count]
        )
        view.ai_in_doc = sum(a.ai_count for a in analyses)
        view.human_in_doc = sum(a.human_count for a in analyses)
        view.framing_mass = _framing_mass(analyses)
        return view


class BlockIndex:
    """One block's cues by term and by (term, sentence), and its agent tokens by sentence,
    each group in the analysis's own order — so a provider reading a group finds exactly what
    a filter over the whole block would, without a pass over the block for every use (which
    was quadratic in a long paragraph)."""

    __slots__ = ("by_term", "by_sentence", "sentences", "human", "ai", "pronoun")

    def __init__(self, analysis: BlockAnalysis):
        by_term: dict[str, list[CueHit]] = {}
        by_sentence: dict[tuple[str, int], list[CueHit]] = {}
        self.by_term, self.by_sentence = by_term, by_sentence
        for cue in analysis.cues:  # built twice per block (both passes): kept lean
            term_id = cue.term_id
            group = by_term.get(term_id)
            if group is None:
                group = by_term[term_id] = []
            group.append(cue)
            key = (term_id, cue.sentence)
            group = by_sentence.get(key)
            if group is None:
                group = by_sentence[key] = []
            group.append(cue)
        # cues come sorted by offset, so each term's sentence numbers are sorted too
        self.sentences = {t: [c.sentence for c in cues] for t, cues in self.by_term.items()}
        self.human = _tokens_by_sentence(analysis.human_tokens)
        self.ai = _tokens_by_sentence(analysis.ai_tokens)
        self.pronoun = _tokens_by_sentence(analysis.pronoun_tokens)


def _tokens_by_sentence(tokens) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for tok, sentence in tokens:
        out.setdefault(sentence, []).append(tok)
    return out


def tier(cue: CueHit) -> str:
    return "specific" if cue.weight >= SPECIFIC_CUE_WEIGHT else "generic"


def token_distance(cue: CueHit, occ: Occurrence) -> int:
    if cue.token_end <= occ.token:
        return occ.token - cue.token_end
    if cue.token >= occ.token + 1:
        return cue.token - occ.token - 1
    return 0


# -- local providers: the occurrence's own sentence -------------------------------------------

_CONTRAST_BEFORE = re.compile(
    r"(?:\b(?:or|and)\s+(?:just|merely|simply|only|rather|really|instead)?\s*(?:an?\s+|the\s+)?|"
    r"\brather\s+than\s+|\binstead\s+of\s+|\bunlike\s+|\bas\s+opposed\s+to\s+|\bversus\s+|"
    r"\bvs\.?\s+|\bnot\s+(?:just\s+|merely\s+)?(?:an?\s+|the\s+)?|\bno\s+|\bthan\s+|"
    r"\bisn['’]t\s+|\baren['’]t\s+|\bwasn['’]t\s+|\bnor\s+)(?:\w+\s+){0,2}$",
    re.I,
)


_FRONTED_CONTRAST = re.compile(
    r"^\W*(?:unlike|rather\s+than|instead\s+of|as\s+opposed\s+to|"
    r"apart\s+from|not)\b(?:\s+\S+){0,3}\s*$",
    re.I,
)


def _in_contrast(block_text: str, sentence_start: int, cue: CueHit, occ: Occurrence) -> bool:
    """Whether the sentence sets the cue against the word: "is this scheming, or just
    role-play?", "rather than in-context", "not the worst case"."""
    if occ.text_start <= cue.start < occ.text_end:
        return False
    lead = block_text[max(sentence_start, cue.start - 40) : cue.start]
    if not _CONTRAST_BEFORE.search(lead):
        return False
    fronted = block_text[sentence_start : cue.start]
    if _FRONTED_CONTRAST.match(fronted) and "," in block_text[cue.start : occ.text_start]:
        return True  # "Unlike in-context evals, worst-case analysis matters, so … scheming"
    # The contrast marker must lie between the word and the cue, not before both.
    first, second = sorted((occ.text_start, cue.start))
    between = block_text[first:second]
    return bool(
        re.search(
            r"\b(?:or|rather|instead|unlike|opposed|versus|vs|not|no|than|"
            r"isn['’]t|aren['’]t|wasn['’]t|nor)\b",
            between,
            re.I,
        )
    )


def sentence_cues(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    analysis = view.analyses[occ.block]
    text = view.doc.blocks[occ.block].text
    sent_start = analysis.sentence(occ.sentence)[0] if analysis.sentence_count else 0
    for cue in view.index(occ.block).by_sentence.get((term.id, occ.sentence), ()):
        d = token_distance(cue, occ)
        t = tier(cue)
        if _in_contrast(text, sent_start, cue, occ):
            yield Evidence(
                EvidenceKind.CONTRAST,
                cue.sense_id,
                1.0,
                f"'{cue.phrase}' set against the word",
                t,
                cue.start,
            )
        elif d <= QUALIFIER_DISTANCE:
            yield Evidence(
                EvidenceKind.QUALIFIER,
                cue.sense_id,
                1.0,
                f"'{cue.phrase}' right next to the word",
                t,
                cue.start,
            )
        else:
            yield Evidence(
                EvidenceKind.SENTENCE_CUE,
                cue.sense_id,
                max(0.3, 1 - d / 30),
                f"'{cue.phrase}' in the sentence",
                t,
                cue.start,
            )


def agent(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    if not occ.agent:
        return
    acting = [s.id for s in term.senses if s.agent == occ.agent]
    for sense_id in acting:
        who = "an AI system" if occ.agent == "ai" else "its developers"
        yield Evidence(
            EvidenceKind.AGENT, sense_id, 1.0 / len(acting), f"done by '{occ.agent_word}' ({who})"
        )


def citations(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    analysis = view.analyses[occ.block]
    if not analysis.sentences:
        return
    start, end = analysis.sentence(occ.sentence)
    for link in view.links.get(occ.block, ()):
        if link.term_id == term.id and not link.own_sense and start <= link.start < end:
            yield Evidence(
                EvidenceKind.CITATION, link.sense_id, link.share, f"cites {link.source_title}"
            )


# -- context providers: paragraph, neighbours, headings, title, the whole document -----------


def paragraph_cues(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    index = view.index(occ.block)
    cues = index.by_term.get(term.id, ())
    if not cues:
        return
    sentences = index.sentences[term.id]
    low = bisect_left(sentences, occ.sentence - PARAGRAPH_REACH)
    high = bisect_right(sentences, occ.sentence + PARAGRAPH_REACH)
    for cue in cues[low:high]:
        if cue.sentence != occ.sentence:
            dist = abs(cue.sentence - occ.sentence)
            yield Evidence(
                EvidenceKind.PARAGRAPH,
                cue.sense_id,
                1 / (1 + 0.5 * (dist - 1)),
                f"'{cue.phrase}' in the paragraph",
                tier(cue),
                None,
            )


def neighbour_cues(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    blocks = view.doc.blocks
    block = blocks[occ.block]
    if block.kind == "heading":
        near, section = (occ.block + 1, occ.block + 2), block.heading_path + (block.index,)
    else:
        near, section = (occ.block - 1, occ.block + 1), block.heading_path
    for i in near:
        if (
            0 <= i < len(blocks)
            and blocks[i].kind != "heading"
            and blocks[i].heading_path == section
        ):
            for cue in view.index(i).by_term.get(term.id, ()):
                yield Evidence(
                    EvidenceKind.NEIGHBOUR,
                    cue.sense_id,
                    1.0,
                    f"'{cue.phrase}' in the next paragraph"
                    if i > occ.block
                    else f"'{cue.phrase}' in the paragraph before",
                    tier(cue),
                )


def heading_cues(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    blocks = view.doc.blocks
    frame = list(blocks[occ.block].heading_path)
    for depth, h in enumerate(reversed(frame)):
        kind = EvidenceKind.HEADING if depth == 0 else EvidenceKind.TITLE
        for cue in view.index(h).by_term.get(term.id, ()):
            yield Evidence(
                kind,
                cue.sense_id,
                1.0,
                f"'{cue.phrase}' in the heading \"{_short(blocks[h].text)}\"",
                tier(cue),
            )
    title = view.doc.title_block
    if title is not None and title not in frame and title != occ.block:
        for cue in view.index(title).by_term.get(term.id, ()):
            yield Evidence(
                EvidenceKind.TITLE, cue.sense_id, 1.0, f"'{cue.phrase}' in the title", tier(cue)
            )


def framing(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    """The share of the whole document's cue mass for each sense (every block, not only the
    blocks near a term), without this use's own sentence."""
    mass = dict(view.framing_mass.get(term.id, {}))
    for cue in view.index(occ.block).by_sentence.get((term.id, occ.sentence), ()):
        if cue.sense_id in mass:
            mass[cue.sense_id] = max(0.0, mass[cue.sense_id] - _framing_unit(cue))
    total = sum(mass.values())
    if total < 1.0:
        return
    for sense_id, value in mass.items():
        if value > 0:
            share = value / total
            yield Evidence(
                EvidenceKind.FRAMING,
                sense_id,
                share,
                f"the document's framing ({round(share * 100)}% of its cues)",
            )


def people(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    """Everyday use: a person acting next to the word, or a document with no AI in it."""
    everyday = [s.id for s in term.senses if not s.ai]
    if not everyday:
        return
    sense_id = everyday[0]
    index = view.index(occ.block)
    same = occ.sentence
    human = [abs(tok - occ.token) for tok in index.human.get(same, ())]
    ai = [abs(tok - occ.token) for tok in index.ai.get(same, ())]
    pronoun = [occ.token - tok for tok in index.pronoun.get(same, ()) if 0 < occ.token - tok <= 3]
    if human:
        yield Evidence(
            EvidenceKind.PEOPLE,
            sense_id,
            1 / (1 + min(human) / 4),
            "a person or everyday setting in the sentence",
            "person",
        )
    if pronoun:
        yield Evidence(
            EvidenceKind.PEOPLE, sense_id, 1.0, "he/she right before the word", "pronoun"
        )
    if ai:
        yield Evidence(
            EvidenceKind.PEOPLE,
            sense_id,
            1 / (1 + min(ai) / 4),
            "an AI system in the sentence",
            "ai-near",
        )
    if view.ai_in_doc == 0:
        yield Evidence(
            EvidenceKind.PEOPLE, sense_id, 1.0, "no AI system in the document", "no-ai-doc"
        )
    if view.human_in_doc and view.ai_in_doc == 0:
        yield Evidence(EvidenceKind.PEOPLE, sense_id, 1.0, "a document about people", "people-doc")
    if human and (not ai or min(ai) > min(human) + 2) and min(human) <= 8:
        # a person is the nearest agent: "the office schemer", "a widow scheming to marry"
        yield Evidence(
            EvidenceKind.PEOPLE, sense_id, 1.0, "a person is the one doing it", "everyday-rule"
        )
    if pronoun and (not human or min(pronoun) < min(human)):
        yield Evidence(
            EvidenceKind.PEOPLE, sense_id, 1.0, "a person is the one doing it", "everyday-rule"
        )


MENTION = "mention"  # the pseudo-sense mention-shape evidence speaks for
_OPEN = "\"“‘'«*_"
_CLOSE = "\"”’'»*_"
_WORD_NOUN_BEFORE = re.compile(
    r"\b(?:word|term|label|phrase|name|notion|concept|expression|"
    r"called|calls|call|dubbed|coined|say|saying|says|writes?|"
    r"use[sd]?|using|mean[st]?|by)\s*[\"“‘'*_]*$",
    re.I,
)
_ABOUT_WORDS_AFTER = re.compile(
    r"^[\"”’'*_]*\s*(?:is|are|was|has|gets|got)?\s*(?:used|means?|"
    r"meant|refers?|denotes?|covers?|names?|stands?|ambiguous|"
    r"overloaded|a\s+(?:word|term|label))\b",
    re.I,
)


def mention_shape(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    """Signs that the word is talked about as a word, for the learned mention reading."""
    from .occurrences import _WORD_TALK

    text = view.doc.blocks[occ.block].text
    before, after = (
        text[max(0, occ.text_start - 40) : occ.text_start],
        text[occ.text_end : occ.text_end + 40],
    )
    if before[-1:] and before[-1] in _OPEN and after[:1] and after[0] in _CLOSE:
        yield Evidence(EvidenceKind.MENTION_SHAPE, MENTION, 1.0, "the word is in quotes", "quoted")
    if _WORD_NOUN_BEFORE.search(before):
        yield Evidence(
            EvidenceKind.MENTION_SHAPE,
            MENTION,
            1.0,
            "a word about words right before it",
            "word-before",
        )
    if _ABOUT_WORDS_AFTER.search(after):
        yield Evidence(
            EvidenceKind.MENTION_SHAPE,
            MENTION,
            1.0,
            "what it means or how it is used follows",
            "about-after",
        )
    analysis = view.analyses[occ.block]
    if analysis.sentences:
        start, end = analysis.sentence(occ.sentence)
        if _WORD_TALK.search(text, start, end):
            yield Evidence(
                EvidenceKind.MENTION_SHAPE,
                MENTION,
                1.0,
                "the sentence is about words or meanings",
                "word-talk",
            )


# -- document-reading providers: the first-pass reading of the other uses ---------------------


def _first_pass_totals(view: DocumentView):
    """Per term: the sum of the first-pass probabilities of its uses (mentions left out), and
    how many uses that is — computed once per first pass, so reading every use's neighbours is
    linear in the uses, not quadratic."""
    key = (id(view.first_pass), len(view.first_pass))
    if view._totals is None or view._totals[0] != key:
        sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        counts: dict[str, int] = defaultdict(int)
        for i, probs in view.first_pass.items():
            other = view.occurrences[i]
            if other.mention:
                continue
            counts[other.term_id] += 1
            for sense_id, p in probs.items():
                sums[other.term_id][sense_id] += p
        view._totals = (key, sums, counts)
    return view._totals[1], view._totals[2]


def other_uses(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    """How the document's other uses of the term read, by the first pass (mean probability)."""
    sums, counts = _first_pass_totals(view)
    me = view.position.get(id(occ), -1)
    own = view.first_pass.get(me) if not occ.mention else None
    n = counts.get(term.id, 0) - (1 if own is not None else 0)
    if n <= 0:
        return
    for sense_id, value in sums.get(term.id, {}).items():
        share = (value - (own.get(sense_id, 0.0) if own else 0.0)) / n
        if share >= 0.05:
            yield Evidence(
                EvidenceKind.OTHER_USES,
                sense_id,
                share,
                f"the document's other uses read so ({round(share * 100)}%)",
                "many" if n >= 3 else "few",
            )


def definitions(view: DocumentView, occ: Occurrence, term: Term) -> Iterable[Evidence]:
    """The author's own definition of the term elsewhere in the document, read as the nearest
    glossary sense (its first-pass reading)."""
    me = view.position.get(id(occ), -1)
    for i in sorted(view.definitional):
        other = view.occurrences[i]
        if i == me or other.term_id != term.id or i not in view.first_pass:
            continue
        before = other.start < occ.start
        where = "before" if before else ("after-document" if i in view.document_scope else "after")
        line = view.doc.source.line_col(other.start)[0]
        for sense_id, p in view.first_pass[i].items():
            if p >= 0.05:
                yield Evidence(
                    EvidenceKind.DEFINITION,
                    sense_id,
                    p,
                    f"defined in the document's own words on line {line}",
                    where,
                    other.start,
                )


LOCAL_PROVIDERS: tuple[Callable[[DocumentView, Occurrence, Term], Iterable[Evidence]], ...] = (
    sentence_cues,
    agent,
    citations,
    mention_shape,
)
CONTEXT_PROVIDERS: tuple[Callable[[DocumentView, Occurrence, Term], Iterable[Evidence]], ...] = (
    paragraph_cues,
    neighbour_cues,
    heading_cues,
    framing,
    people,
)
DOCUMENT_PROVIDERS: tuple[Callable[[DocumentView, Occurrence, Term], Iterable[Evidence]], ...] = (
    other_uses,
    definitions,
)


def gather(
    view: DocumentView, occ: Occurrence, term: Term, with_document: bool = True
) -> list[Evidence]:
    """A use's evidence: its sentence's and context's, then (``with_document``) the
    document-wide kinds that read the first pass — the same list as the first pass's followed
    by :func:`gather_document`'s, which is how the second pass adds to a kept first reading."""
    providers = LOCAL_PROVIDERS + CONTEXT_PROVIDERS
    found = _kept_kinds(view, [e for provider in providers for e in provider(view, occ, term)])
    if with_document:
        found += gather_document(view, occ, term)
    return found


def gather_document(view: DocumentView, occ: Occurrence, term: Term) -> list[Evidence]:
    """The evidence that needs the whole first pass (:data:`DOCUMENT_PROVIDERS`)."""
    return _kept_kinds(
        view, [e for provider in DOCUMENT_PROVIDERS for e in provider(view, occ, term)]
    )


def _kept_kinds(view: DocumentView, found: list[Evidence]) -> list[Evidence]:
    if view.exclude:
        return [e for e in found if e.kind.value not in view.exclude]
    return found


def _framing_unit(cue: CueHit) -> float:
    return 1.0 if cue.weight >= SPECIFIC_CUE_WEIGHT else 0.4


def _framing_mass(analyses: list[BlockAnalysis], repeat_cap: int = 3):
    """Per term, per sense: cue mass over every block, a phrase counted at most three times
    (a document that repeats one word is not three times as framed)."""
    mass: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    for analysis in analyses:
        for cue in analysis.cues:
            key = (cue.term_id, cue.sense_id, cue.phrase.lower())
            seen[key] += 1
            if seen[key] <= repeat_cap:
                mass[cue.term_id][cue.sense_id] += _framing_unit(cue)
    return {t: dict(v) for t, v in mass.items()}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

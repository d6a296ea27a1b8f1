"""The records the stages hand each other, in pipeline order.

Plain data: reading makes a :class:`SourceText`; the Markdown stage finds :class:`Directive`
comments and :class:`Link` targets; the NLP stage returns a :class:`BlockAnalysis` (of
:class:`TermHit` and :class:`CueHit`) per block; the sense stage makes :class:`Occurrence`
records (and :class:`Establishment` notes); rules make :class:`Diagnostic` records (with
:class:`Suggestion` rewrites) from a :class:`CheckContext`, and :class:`Suppression` ranges hide
some; each file ends as a :class:`FileResult`, and the reporters get a :class:`Summary`.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, fields
from enum import Enum
from itertools import chain
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

# The records a no-term check needs, kept apart so that such a run never imports this module.
from .records import FileResult, SourceLines, SourceText, Summary, line_starts  # noqa: F401

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from .glossary.entries import Glossary


# -- reading -------------------------------------------------------------------------------


# -- the document --------------------------------------------------------------------------


@dataclass
class Directive:
    """One parsed directive comment."""

    kind: str
    rules: tuple[str, ...]
    reason: str
    offset: int
    end_offset: int
    line: int = 0
    senses: dict[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Link:
    """A Markdown link inside a prose block: the linked text range and its target."""

    start: int
    end: int
    href: str


# -- nlp -----------------------------------------------------------------------------------


@dataclass(slots=True)
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


@dataclass(slots=True)
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


_INT_MAX = 2**31 - 1  # the largest number a four-byte array ("i") holds


def compact_numbers(values: Iterable[int]) -> array:
    """``values`` in one array of 4-byte numbers, or of 8-byte ones when one does not fit:
    offsets and counts in a document under 2 GB fit in four."""
    values = values if isinstance(values, list) else list(values)
    try:
        return array("i", values)
    except OverflowError:
        return array("q", values)


class _Packed:
    """What the packed record sequences share: a checked index, equality with a list of the
    records they stand for, and a repr that shows them."""

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def __iter__(self) -> Iterator:
        raise NotImplementedError

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._item(self._position(index))

    def _item(self, position: int):
        raise NotImplementedError

    def _position(self, index: int) -> int:
        """``index`` as a position from the start (negative counts from the end)."""
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"{type(self).__name__} index out of range")
        return index

    def __eq__(self, other) -> bool:
        if isinstance(other, (_Packed, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


_W = TypeVar("_W", bound="_Window")


class _Window(_Packed):
    """A packed sequence that may be a window ``[lo, hi)`` of a larger array, ``_WIDTH``
    numbers a record (see :class:`BlockAnalysis`)."""

    __slots__ = ("_numbers", "_lo", "_hi")
    _numbers: array
    _lo: int
    _hi: int
    _WIDTH = 1

    @classmethod
    def window(cls: type[_W], numbers: array, lo: int, hi: int) -> _W:
        view = cls.__new__(cls)
        view._numbers, view._lo, view._hi = numbers, lo, hi
        return view

    def __len__(self) -> int:
        return (self._hi - self._lo) // self._WIDTH


class PackedSpans(_Window):
    """``(start, end)`` pairs packed in one array, read back as tuples: a block's sentence
    bounds, kept for every block of a document while it is read. It may be a window
    ``[lo, hi)`` of a larger array (see :class:`BlockAnalysis`)."""

    __slots__ = ()
    _WIDTH = 2

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._numbers = compact_numbers([n for span in spans for n in span])
        self._lo, self._hi = 0, len(self._numbers)

    def _item(self, position: int) -> tuple[int, int]:
        at = self._lo + 2 * position
        return self._numbers[at], self._numbers[at + 1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        numbers, lo, hi = self._numbers, self._lo, self._hi
        if lo == hi:  # most blocks' agent-token sections
            return iter(())
        return zip(numbers[lo:hi:2], numbers[lo + 1 : hi : 2], strict=True)

    def __reduce__(self):
        return PackedSpans, (list(self),)


#: every kind of cue seen in this process, and its number (bounded by the glossaries' cue lists)
_CUE_KINDS: list[tuple[str, str, str, float]] = []
_CUE_NUMBERS: dict[tuple[str, str, str, float], int] = {}


def cue_kind(term_id: str, sense_id: str, phrase: str, weight: float) -> int:
    """This process's number for what a cue is (see :class:`PackedCues`)."""
    kind = (term_id, sense_id, phrase, weight)
    number = _CUE_NUMBERS.get(kind)
    if number is None:
        number = _CUE_NUMBERS[kind] = len(_CUE_KINDS)
        _CUE_KINDS.append(kind)
    return number


def cue_kind_of(number: int) -> tuple[str, str, str, float]:
    """(term, sense, phrase, weight) of a :func:`cue_kind` number."""
    return _CUE_KINDS[number]


class PackedCues(_Window):
    """A block's cue hits packed: what a cue is (term, sense, phrase, weight) numbered once per
    process, where it is six numbers in one array; read back as :class:`CueHit` records. A
    record with its boxed numbers was about 260 bytes a cue, the most of a dense document's
    memory while it is read. It may be a window ``[lo, hi)`` of a larger array."""

    __slots__ = ()
    _WIDTH = 6

    def __init__(self, cues: Iterable[CueHit] = ()):
        numbers: list[int] = []
        for cue in cues:
            number = cue_kind(cue.term_id, cue.sense_id, cue.phrase, cue.weight)
            numbers.extend((number, cue.start, cue.end, cue.token, cue.token_end, cue.sentence))
        self._numbers = compact_numbers(numbers)
        self._lo, self._hi = 0, len(self._numbers)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int, int, int, int]]) -> PackedCues:
        """Packed from ``(kind, start, end, token, token_end, sentence)`` rows, ``kind`` from
        :func:`cue_kind` (the analyzer's own form: no record made per cue only to be packed)."""
        numbers = compact_numbers([n for row in rows for n in row])
        return cls.window(numbers, 0, len(numbers))

    def __reduce__(self):
        # the kind numbers are this process's own: another process gets the records
        return PackedCues, (list(self),)

    def _cue(self, at: int) -> CueHit:
        n = self._numbers
        term_id, sense_id, phrase, weight = _CUE_KINDS[n[at]]
        return CueHit(
            term_id, sense_id, phrase, weight, n[at + 1], n[at + 2], n[at + 3], n[at + 4], n[at + 5]
        )

    def _item(self, position: int) -> CueHit:
        return self._cue(self._lo + position * self._WIDTH)

    def __iter__(self) -> Iterator[CueHit]:
        # the six columns read as strided slices: no index arithmetic per cue
        n, kinds, lo, hi = self._numbers, _CUE_KINDS, self._lo, self._hi
        for kind, start, end, token, token_end, sentence in zip(
            n[lo:hi:6],
            n[lo + 1 : hi : 6],
            n[lo + 2 : hi : 6],
            n[lo + 3 : hi : 6],
            n[lo + 4 : hi : 6],
            n[lo + 5 : hi : 6],
            strict=True,
        ):
            term_id, sense_id, phrase, weight = kinds[kind]
            yield CueHit(term_id, sense_id, phrase, weight, start, end, token, token_end, sentence)


#: BlockAnalysis's packed sections, in the order they are stored, and their kinds
_SECTIONS = ("sentences", "cues", "ai_tokens", "human_tokens", "pronoun_tokens")


class BlockAnalysis:
    """What the analyzer found in one prose block: its sentence bounds, term hits, cue hits,
    the (token, sentence) pairs of words that say who acts (``ai_tokens``, ``human_tokens``,
    ``pronoun_tokens``) and the character spans of exclusions.

    The numbers of the five packed sections live in one array (a dense document keeps every
    block's analysis while it is read, and an array and a wrapper per section cost more than
    their numbers): its first five entries are where each section ends, then the sections in
    the order of ``_SECTIONS``. Each reads back as a :class:`PackedSpans` or
    :class:`PackedCues` window, equal to the list of tuples or records it stands for.
    """

    __slots__ = ("terms", "exclusions", "_numbers")

    def __init__(
        self,
        sentences: Iterable[tuple[int, int]] = (),
        terms: list[TermHit] | None = None,
        cues: Iterable[CueHit] = (),
        ai_tokens: Iterable[tuple[int, int]] = (),
        human_tokens: Iterable[tuple[int, int]] = (),
        pronoun_tokens: Iterable[tuple[int, int]] = (),
        exclusions: list[tuple[int, int]] | None = None,
        *,
        cue_rows: Iterable[tuple[int, int, int, int, int, int]] | None = None,
    ):
        self.terms = [] if terms is None else terms
        self.exclusions = [] if exclusions is None else exclusions
        if cue_rows is None:
            cue_rows = [
                (cue_kind(c.term_id, c.sense_id, c.phrase, c.weight), *_cue_place(c)) for c in cues
            ]
        numbers = [0] * len(_SECTIONS)  # where each section ends, filled in below
        for at, section in enumerate(
            (sentences, cue_rows, ai_tokens, human_tokens, pronoun_tokens)
        ):
            numbers.extend(chain.from_iterable(section))
            numbers[at] = len(numbers)
        self._numbers = compact_numbers(numbers)

    def _window(section: int, kind: type[PackedSpans | PackedCues]) -> property:  # type: ignore[misc]
        """A section read as a window of the analysis's array; setting it repacks the whole
        analysis (only tests and tools set one: the analyzer builds it at once)."""

        def get(self):
            numbers = self._numbers
            lo = numbers[section - 1] if section else len(_SECTIONS)
            return kind.window(numbers, lo, numbers[section])

        def set(self, value) -> None:
            fields = self._fields()
            fields[_SECTIONS[section]] = list(value)
            BlockAnalysis.__init__(self, **fields)

        return property(get, set)

    sentences = _window(0, PackedSpans)
    cues = _window(1, PackedCues)
    ai_tokens = _window(2, PackedSpans)
    human_tokens = _window(3, PackedSpans)
    pronoun_tokens = _window(4, PackedSpans)
    del _window

    @property
    def sentence_count(self) -> int:
        return (self._numbers[0] - len(_SECTIONS)) // 2

    @property
    def ai_count(self) -> int:
        """``len(ai_tokens)`` without making a window."""
        return (self._numbers[2] - self._numbers[1]) // 2

    @property
    def human_count(self) -> int:
        return (self._numbers[3] - self._numbers[2]) // 2

    def sentence(self, index: int) -> tuple[int, int]:
        """The bounds of sentence ``index`` (``sentences[index]`` without making a window)."""
        numbers, at = self._numbers, len(_SECTIONS) + 2 * index
        if index < 0 or at >= numbers[0]:
            raise IndexError("sentence index out of range")
        return numbers[at], numbers[at + 1]

    def _fields(self) -> dict:
        return {
            "sentences": list(self.sentences),
            "terms": self.terms,
            "cues": list(self.cues),
            "ai_tokens": list(self.ai_tokens),
            "human_tokens": list(self.human_tokens),
            "pronoun_tokens": list(self.pronoun_tokens),
            "exclusions": self.exclusions,
        }

    def __eq__(self, other) -> bool:
        if not isinstance(other, BlockAnalysis):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "BlockAnalysis(" + ", ".join(f"{k}={v!r}" for k, v in self._fields().items()) + ")"

    def __reduce__(self):
        # the cue kind numbers are this process's own: another process gets the records
        return _rebuild_analysis, (self._fields(),)


def _cue_place(cue: CueHit) -> tuple[int, int, int, int, int]:
    return cue.start, cue.end, cue.token, cue.token_end, cue.sentence


def _rebuild_analysis(fields: dict) -> BlockAnalysis:
    return BlockAnalysis(**fields)


# -- senses --------------------------------------------------------------------------------


class Status(str, Enum):
    """How a use was read; the value is what JSON output and the cache carry."""

    UNRESOLVED = "unresolved"
    MENTION = "mention"  # the word discussed as a word
    SINGLE_SENSE = "single-sense"  # a term with one sense
    COLLOQUIAL = "colloquial"  # everyday use, not about AI
    LINKED = "linked"  # linked to a glossary sense
    DECLARED = "declared"  # front matter or a termlint-sense comment
    ESTABLISHED = "established"  # a definition earlier in the document holds here
    DEFINED = "defined"  # the author defines the word here (or in words of their own)
    INCONSISTENT = "inconsistent"  # reads as another sense than the document set
    RESOLVED = "resolved"  # read from the evidence, above the threshold
    AMBIGUOUS = "ambiguous"  # the evidence does not settle it: flagged

    def __str__(self) -> str:
        return self.value


#: Statuses where the sense was settled by the author, not read from cues.
SETTLED = (Status.DECLARED, Status.ESTABLISHED, Status.LINKED, Status.DEFINED)


class ReadOnlyList(list):
    """A list that refuses to change: what a lean reading's uses share — the empty lists the
    reading replaces wholesale, and a decided use's evidence and candidates where many uses
    read alike (a list per use and field was a quarter of a dense file's memory while it was
    read). A change would touch every use sharing it, so it raises."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("a shared read-only list: assign a new list instead")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        # a list is unpickled by appending to an empty one, which this refuses
        return ReadOnlyList, (list(self),)


#: the shared empties of a lean reading (see ReadOnlyList); the scores a mapping that
#: compares equal to ``{}`` and cannot be written
NO_ITEMS: list = ReadOnlyList()
NO_SCORES: dict = MappingProxyType({})  # type: ignore[assignment]


#: an occurrence's yes/no fields, one bit each of its flags (see Occurrence)
_OCCURRENCE_FLAGS = ("in_blockquote", "in_heading", "verb", "mention", "defines")


def _flag(bit: int, doc: str) -> property:
    def get(self) -> bool:
        return bool(self._flags & bit)

    def set(self, value: bool) -> None:
        self._flags = self._flags | bit if value else self._flags & ~bit

    return property(get, set, doc=doc)


class Occurrence:
    """One use (or mention) of a glossary term, and what the resolver decided about it.

    A plain record with the fields below (``OCCURRENCE_FIELDS``, in order), stored in fewer
    slots than it has fields: the five yes/no fields are bits of one number and ``end`` is
    kept as the match's length (a small number, not a boxed offset). A document dense in
    terms holds a million of these while it is read.
    """

    __slots__ = (
        "term_id",
        "match",
        "start",
        "_length",
        "block",
        "sentence",
        "token",
        "_flags",
        "sense",
        "confidence",
        "status",
        "evidence",
        "candidates",
        "scores",
        "established",
        "text_start",
        "text_end",
        "agent",
        "agent_word",
        "reasons",
    )

    term_id: str
    match: str
    start: int  # source offsets (and end, below)
    block: int
    sentence: int
    token: int
    sense: str | None
    confidence: float
    status: str
    evidence: list[str]
    candidates: list[str]
    scores: dict[str, float]
    established: tuple[str | None, str] | None  # (sense, origin); no sense: own words
    text_start: int  # offsets in the block's prose text
    text_end: int
    agent: str  # who does it, if the words around say: "ai" or "developer" (see agent_of)
    agent_word: str
    #: the typed evidence behind the reading, strongest first: {kind, sense, weight, text}
    reasons: list[dict]

    def __init__(
        self,
        term_id: str,
        match: str,
        start: int,
        end: int,
        block: int,
        sentence: int,
        token: int,
        in_blockquote: bool = False,
        in_heading: bool = False,
        verb: bool = False,
        mention: bool = False,
        sense: str | None = None,
        confidence: float = 0.0,
        status: str = Status.UNRESOLVED,
        evidence: list[str] | None = None,
        candidates: list[str] | None = None,
        scores: dict[str, float] | None = None,
        established: tuple[str | None, str] | None = None,
        defines: bool = False,
        text_start: int = 0,
        text_end: int = 0,
        agent: str = "",
        agent_word: str = "",
        reasons: list[dict] | None = None,
    ):
        self.term_id, self.match, self.start, self._length = term_id, match, start, end - start
        self.block, self.sentence, self.token = block, sentence, token
        self._flags = in_blockquote | in_heading << 1 | verb << 2 | mention << 3 | defines << 4
        self.sense, self.confidence = sense, confidence
        self.status = status
        self.evidence = [] if evidence is None else evidence
        self.candidates = [] if candidates is None else candidates
        self.scores = {} if scores is None else scores
        self.established = established
        self.text_start, self.text_end = text_start, text_end
        self.agent, self.agent_word = agent, agent_word
        self.reasons = [] if reasons is None else reasons

    @property
    def end(self) -> int:
        return self.start + self._length

    @end.setter
    def end(self, value: int) -> None:
        self._length = value - self.start

    in_blockquote = _flag(1, "in a block quote")
    in_heading = _flag(2, "in a heading")
    verb = _flag(4, 'matched through a verb-only form ("models that scheme")')
    mention = _flag(8, "the word talked about as a word")
    defines = _flag(16, "the use an author's definition gives")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in OCCURRENCE_FIELDS)

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as a dataclass)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{n}={v!r}" for n, v in zip(OCCURRENCE_FIELDS, self._values(), strict=True)
        )
        return f"Occurrence({shown})"


#: Occurrence's fields, in the order its constructor takes them
OCCURRENCE_FIELDS = (
    "term_id",
    "match",
    "start",
    "end",
    "block",
    "sentence",
    "token",
    "in_blockquote",
    "in_heading",
    "verb",
    "mention",
    "sense",
    "confidence",
    "status",
    "evidence",
    "candidates",
    "scores",
    "established",
    "defines",
    "text_start",
    "text_end",
    "agent",
    "agent_word",
    "reasons",
)


@dataclass
class Establishment:
    """How a document fixed a term's sense before a given point."""

    sense: str | None
    origin: str  # what the writer reads: "declared in front matter", "defined on line 3"
    offset: int  # where it starts to hold (0: the whole document)
    line: int
    declared: bool = False  # a declaration, not a definition: it wins over cues
    own_words: bool = False  # a definition whose words fit no one glossary sense well
    defined: bool = False  # read from the author's definition in the text (not declared, linked)


# -- rules ---------------------------------------------------------------------------------


@dataclass
class CheckContext:
    source: SourceText
    glossary: Glossary
    docs_url: str
    check_blockquotes: bool
    options: dict


@dataclass(slots=True)
class Suggestion:
    sense: str
    text: str
    label: str = ""
    url: str = ""  # the sense's anchor in the glossary site
    #: "rewrite": ``text`` replaces the flagged words; "declare": ``text`` is a
    #: ``termlint-sense`` comment that settles every use of the term (anywhere in the document)
    kind: str = "rewrite"


@dataclass(slots=True)
class Related:
    """Another use a grouped finding stands for (see :mod:`termlint.rules.group`)."""

    start: int  # character offsets into the source text
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    match: str

    def to_json(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "match": self.match,
        }


class RelatedUses(_Packed):
    """A grouped finding's related uses, packed: six numbers each in one array and the matched
    words shared, read back as :class:`Related` records (one unclear term used throughout a
    large file groups a million uses into one finding: a record each was most of its memory)."""

    __slots__ = ("_numbers", "_matches")
    _WIDTH = 6

    def __init__(self, uses: Iterable[Related] = ()):
        self._numbers = array("i")  # four bytes a number until one does not fit
        self._matches: list[str] = []
        for use in uses:
            self.append(use)

    def append(self, use: Related) -> None:
        numbers = (use.start, use.end, use.line, use.column, use.end_line, use.end_column)
        if self._numbers.typecode == "i" and max(numbers) > _INT_MAX:
            self._numbers = array("q", self._numbers)
        self._numbers.extend(numbers)
        self._matches.append(use.match)

    def __len__(self) -> int:
        return len(self._matches)

    def _item(self, position: int) -> Related:
        return self._use(position * self._WIDTH, self._matches[position])

    def _use(self, at: int, match: str) -> Related:
        n = self._numbers
        return Related(n[at], n[at + 1], n[at + 2], n[at + 3], n[at + 4], n[at + 5], match)

    def __iter__(self) -> Iterator[Related]:
        for index, match in enumerate(self._matches):
            yield self._use(index * self._WIDTH, match)


@dataclass(slots=True)
class Diagnostic:
    path: str
    start: int  # character offsets into the source text
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: str
    message: str
    term: str
    match: str
    suggestions: list[Suggestion] = field(default_factory=list)
    help: str = ""
    url: str = ""
    code: str = ""
    evidence: list[str] = field(default_factory=list)
    #: the other uses this finding stands for, when repeated uses are grouped (in order)
    related: list[Related] | RelatedUses = field(default_factory=list)
    #: the message as a writer reads it (senses by label); ``message`` names them by id
    text_message: str = ""

    def to_json(self, related: bool = True) -> dict:
        """The contract's JSON shape; ``related=False`` leaves ``related`` empty (a streaming
        reporter writes the related uses one at a time)."""
        # What dataclasses.asdict gives (its fields are strings, numbers, a list of strings and
        # a list of Suggestions), without its deep copy: most of a JSON report's time.
        data = {name: getattr(self, name) for name in _DIAGNOSTIC_FIELDS}
        data["suggestions"] = [
            {name: getattr(s, name) for name in _SUGGESTION_FIELDS} for s in self.suggestions
        ]
        data["evidence"] = list(self.evidence)
        data["related"] = [r.to_json() for r in self.related] if related else []
        # No docs_url, no site: the key stays (readers may expect it) but holds no URL.
        data["url"] = self.url or None
        for s in data["suggestions"]:
            s["url"] = s["url"] or None
        return data

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)


_SUGGESTION_FIELDS = tuple(f.name for f in fields(Suggestion))
_DIAGNOSTIC_FIELDS = tuple(
    f.name for f in fields(Diagnostic) if f.name not in ("start", "end", "text_message")
)


@dataclass
class Suppression:
    directive: Directive
    first_line: int
    last_line: int  # inclusive; a very large number for "to the end"
    used: bool = False

    def hides(self, diag: Diagnostic) -> bool:
        rules = self.directive.rules
        return self.first_line <= diag.line <= self.last_line and (
            not rules or diag.rule in rules or diag.code in rules
        )


# -- results -------------------------------------------------------------------------------

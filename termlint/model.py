"""The records the stages hand each other, in pipeline order.

Plain data: reading makes a :class:`SourceText`; the Markdown stage finds :class:`Directive`
comments and :class:`Link` targets; the NLP stage returns a :class:`BlockAnalysis` (of
:class:`TermHit` and :class:`CueHit`) per block; the sense stage makes :class:`Occurrence`
records (and :class:`Establishment` notes); rules make :class:`Diagnostic` records (with
:class:`Suggestion` rewrites) from a :class:`CheckContext`, and :class:`Suppression` ranges hide
some; each file ends as a :class:`FileResult`, and the reporters get a :class:`Summary`.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field, fields
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from .errors import TermlintError
    from .glossary.entries import Glossary


# -- reading -------------------------------------------------------------------------------


@dataclass
class SourceText:
    """A decoded document and its line table."""

    path: str
    text: str
    had_bom: bool = False
    newline: str = "\n"
    line_starts: Sequence[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_starts:
            self.line_starts = line_starts(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def excerpt(self, lines) -> SourceLines:
        """Just the given lines: what a worker process sends back for the reporters, instead
        of the whole text (unpickling whole documents was a tenth of a large parallel run)."""
        return SourceLines(self.path, {n: self.line_text(n) for n in lines})


@dataclass
class SourceLines:
    """Some lines of a document, by 1-based number (see :meth:`SourceText.excerpt`)."""

    path: str
    lines: dict[int, str]

    def line_text(self, line: int) -> str:
        return self.lines[line]


_LINE_BREAK = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> array:
    """The offset of every line's first character: an array, a ninth of a list's memory.

    A line ends at ``\n``, ``\r\n`` or a lone ``\r``, as in CommonMark (and as the Markdown
    stage reads it): counting only ``\n`` put every finding of a CR-only file on line 1.
    """
    starts = array("q", [0])
    if "\r" in text:
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        return starts
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


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


class PackedSpans(_Packed):
    """``(start, end)`` pairs packed in one array, read back as tuples: a block's sentence
    bounds, kept for every block of a document while it is read."""

    __slots__ = ("_numbers",)

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._numbers = compact_numbers([n for span in spans for n in span])

    def __len__(self) -> int:
        return len(self._numbers) // 2

    def __getitem__(self, index: int) -> tuple[int, int]:
        index = self._position(index)
        return self._numbers[2 * index], self._numbers[2 * index + 1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        numbers = self._numbers
        return zip(numbers[::2], numbers[1::2], strict=True)


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


class PackedCues(_Packed):
    """A block's cue hits packed: what a cue is (term, sense, phrase, weight) numbered once per
    process, where it is six numbers in one array; read back as :class:`CueHit` records. A
    record with its boxed numbers was about 260 bytes a cue, the most of a dense document's
    memory while it is read."""

    __slots__ = ("_numbers",)
    _WIDTH = 6

    def __init__(self, cues: Iterable[CueHit] = ()):
        numbers: list[int] = []
        for cue in cues:
            number = cue_kind(cue.term_id, cue.sense_id, cue.phrase, cue.weight)
            numbers.extend((number, cue.start, cue.end, cue.token, cue.token_end, cue.sentence))
        self._numbers = compact_numbers(numbers)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int, int, int, int]]) -> PackedCues:
        """Packed from ``(kind, start, end, token, token_end, sentence)`` rows, ``kind`` from
        :func:`cue_kind` (the analyzer's own form: no record made per cue only to be packed)."""
        packed = cls()
        packed._numbers = compact_numbers([n for row in rows for n in row])
        return packed

    def __len__(self) -> int:
        return len(self._numbers) // self._WIDTH

    def __reduce__(self):
        # the kind numbers are this process's own: another process gets the records
        return PackedCues, (list(self),)

    def _cue(self, at: int) -> CueHit:
        n = self._numbers
        term_id, sense_id, phrase, weight = _CUE_KINDS[n[at]]
        return CueHit(
            term_id, sense_id, phrase, weight, n[at + 1], n[at + 2], n[at + 3], n[at + 4], n[at + 5]
        )

    def __getitem__(self, index: int) -> CueHit:
        return self._cue(self._position(index) * self._WIDTH)

    def __iter__(self) -> Iterator[CueHit]:
        # the six columns read as strided slices: no index arithmetic per cue
        n, kinds = self._numbers, _CUE_KINDS
        for kind, start, end, token, token_end, sentence in zip(
            n[0::6], n[1::6], n[2::6], n[3::6], n[4::6], n[5::6], strict=True
        ):
            term_id, sense_id, phrase, weight = kinds[kind]
            yield CueHit(term_id, sense_id, phrase, weight, start, end, token, token_end, sentence)


@dataclass(slots=True)
class BlockAnalysis:
    sentences: list[tuple[int, int]] | PackedSpans = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    cues: list[CueHit] | PackedCues = field(default_factory=list)
    ai_tokens: list[tuple[int, int]] = field(default_factory=list)  # (token, sentence)
    human_tokens: list[tuple[int, int]] = field(default_factory=list)
    pronoun_tokens: list[tuple[int, int]] = field(default_factory=list)
    exclusions: list[tuple[int, int]] = field(default_factory=list)  # character spans


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


@dataclass(slots=True)
class Occurrence:
    """One use (or mention) of a glossary term, and what the resolver decided about it."""

    term_id: str
    match: str
    start: int  # source offsets
    end: int
    block: int
    sentence: int
    token: int
    in_blockquote: bool = False
    in_heading: bool = False
    verb: bool = False  # matched through a verb-only form ("models that scheme")
    mention: bool = False
    sense: str | None = None
    confidence: float = 0.0
    status: str = Status.UNRESOLVED
    evidence: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    established: tuple[str | None, str] | None = None  # (sense, origin); no sense: own words
    defines: bool = False
    text_start: int = 0  # offsets in the block's prose text
    text_end: int = 0
    agent: str = ""  # who does it, if the words around say: "ai" or "developer" (see agent_of)
    agent_word: str = ""
    #: the typed evidence behind the reading, strongest first: {kind, sense, weight, text}
    reasons: list[dict] = field(default_factory=list)


@dataclass
class Establishment:
    """How a document fixed a term's sense before a given point."""

    sense: str | None
    origin: str  # what the writer reads: "declared in front matter", "defined on line 3"
    offset: int  # where it starts to hold (0: the whole document)
    line: int
    declared: bool = False  # a declaration, not a definition: it wins over cues
    own_words: bool = False  # a definition whose words fit no one glossary sense well


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
        self._numbers = array("q")
        self._matches: list[str] = []
        for use in uses:
            self.append(use)

    def append(self, use: Related) -> None:
        self._numbers.extend(
            (use.start, use.end, use.line, use.column, use.end_line, use.end_column)
        )
        self._matches.append(use.match)

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = self._position(index)
        return self._use(index * self._WIDTH, self._matches[index])

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


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    error: TermlintError | None = None
    source: SourceText | SourceLines | None = None  # SourceLines: from a worker process
    unused_suppressions: list = field(default_factory=list)


@dataclass
class Summary:
    files: int = 0
    files_with_errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    @property
    def diagnostics(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "input_errors": self.files_with_errors,
            "diagnostics": self.diagnostics,
            **self.counts,
        }

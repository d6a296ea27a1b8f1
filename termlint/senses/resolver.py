"""Sense resolution: read every use of a glossary term the way a careful reader does.

In order of authority:

1. a **declaration** (front matter ``termlint: {senses: {TERM: SENSE}}`` or a
   ``<!-- termlint-sense TERM=SENSE -->`` comment) or a **link** on the word to a glossary sense
   decides outright;
2. otherwise every use is read by the learned model (:mod:`termlint.senses.weights`) from typed
   evidence (:mod:`termlint.senses.evidence`) in two passes: first from its sentence, its
   context and the whole document's framing, then again with how the document's other uses and
   its own definitions read in the first pass;
3. the decision (:mod:`termlint.senses.decide`) turns the probabilities into a reading or a
   flag, with one threshold the writer's ``strictness`` moves.

An author's own definition ("By scheming I mean …", "alignment faking — acting aligned only
while trained —") is read as the nearest glossary sense and then holds for the document like a
declaration, so ``senses`` shows it and ``inconsistent-sense`` fires against it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..errors import TermlintError
from ..model import (
    NO_ITEMS,
    NO_SCORES,
    BlockAnalysis,
    Establishment,
    Occurrence,
    ReadOnlyList,
)
from . import decide, features
from .citations import governs_document, is_definitional
from .evidence import DocumentView, Evidence, FirstPass, gather, gather_document
from .weights import SenseModel, load_model

if TYPE_CHECKING:
    from ..document.markdown import MarkdownDoc
    from ..glossary.entries import Glossary, Term


#: How many first-pass evidence records a document keeps for its second pass, a use's list
#: counted as one more (≈ 145 B a record and ≈ 80 B a use: at most ≈ 1.5 MB). That is every
#: use of a file of up to about 50k words as dense as bench/dense_corpus.py's (17 a use).
KEPT_EVIDENCE = 10_000
#: How many words around its uses a document keeps from its first pass for its second, in
#: units of 8 B: a word is one (a list slot: the stems themselves are shared, stem() caches
#: them), a use 26 more (its tuple, two lists, its dict entry), so at most ≈ 0.8 MB. That is
#: every use of a file of up to about 350k words as dense as bench/dense_corpus.py's (about
#: 9 words a use).
KEPT_WORDS = 100_000
_WORDS_PER_USE = 26


class DocumentResolver:
    """Resolves every occurrence of one document."""

    def __init__(
        self,
        doc: MarkdownDoc,
        analyses: list[BlockAnalysis],
        glossary: Glossary,
        model: SenseModel | None = None,
        strictness: str = "normal",
    ):
        self.doc = doc
        self.analyses = analyses
        self.glossary = glossary
        self.model = model or load_model()
        self.strictness = strictness
        self.threshold = self.model.threshold(strictness)

    # declarations --------------------------------------------------------------------------

    def declarations(self) -> dict[str, Establishment]:
        """Senses declared in front matter or by ``termlint-sense`` comments."""
        declared: dict[str, Establishment] = {}
        path = self.doc.source.path
        fm = self.doc.front_matter or {}
        settings = fm.get("termlint")
        if settings is not None:
            line = self.doc.front_matter_line
            if not isinstance(settings, dict) or not isinstance(settings.get("senses", {}), dict):
                raise TermlintError(
                    "front matter 'termlint' must look like termlint: {senses: {TERM: SENSE}}",
                    path,
                    line,
                )
            unknown = set(settings) - {"senses"}
            if unknown:
                raise TermlintError(
                    f"unknown key under 'termlint' in front matter: "
                    f"{', '.join(sorted(map(str, unknown)))} (known: senses)",
                    path,
                    line,
                )
            for term_id, sense_id in (settings.get("senses") or {}).items():
                self._check_sense(term_id, sense_id, line)
                declared[term_id] = Establishment(
                    sense_id, "declared in front matter", 0, line, declared=True
                )
        for d in self.doc.directives:
            if d.kind == "sense" and not d.error:
                for term_id, sense_id in d.senses.items():
                    self._check_sense(term_id, sense_id, d.line)
                    declared.setdefault(
                        term_id,
                        Establishment(
                            sense_id,
                            f"declared by a termlint-sense comment on line {d.line}",
                            d.offset,
                            d.line,
                            declared=True,
                        ),
                    )
        return declared

    def _check_sense(self, term_id, sense_id, line) -> None:
        path = self.doc.source.path
        term = self.glossary.terms.get(str(term_id))
        if term is None:
            raise TermlintError(
                f"declares a sense for unknown term {str(term_id)[:80]!r}", path, line
            )
        if term.sense(str(sense_id)) is None:
            known = ", ".join(s.id for s in term.senses)
            raise TermlintError(
                f"unknown sense {str(sense_id)[:80]!r} for {term_id!r} (known: {known})", path, line
            )

    # reading -------------------------------------------------------------------------------

    def read(self, occurrences: list[Occurrence]) -> tuple[DocumentView, dict[int, list]]:
        """The two passes: per occurrence index, its second-pass reading (term, evidence,
        probabilities by sense, then what the decision reads: see :meth:`_first_pass`)."""
        view, readable, second = self._first_pass(occurrences)
        return view, {i: second(i) for i in sorted(readable)}

    def _first_pass(self, occurrences: list[Occurrence]):
        """The view with every readable use's first-pass reading, and a function giving a
        use's second-pass reading (term, evidence, probabilities by sense, each candidate's
        evidence features, the sorted words near the use and in the rest of its sentence)."""
        view, readable, words = prepare_view(
            self.doc, self.analyses, self.glossary, occurrences, lazy_words=True
        )
        names: dict[str, tuple[str, ...]] = {}  # a term's readings, once per term
        unique: dict[str, bool] = {}  # no reading named twice (else a dict, as before)
        # Each use's first-pass evidence, kept for its second reading, which only adds the
        # document-wide kinds to it: the second pass then gathers (and indexes the blocks)
        # nothing again. Up to KEPT_EVIDENCE records a document (a use counts as one more,
        # for its list); the uses past it gather again (their blocks re-indexed), so a huge
        # file's memory stays bounded.
        kept: dict[int, list[Evidence]] = {}
        room = KEPT_EVIDENCE
        # The same for the words around each use (sorted, as the first pass read them): up
        # to KEPT_WORDS a document; past it the second pass reads them from the text again.
        kept_words: dict[int, tuple[list[str], list[str]]] = {}
        word_room = KEPT_WORDS
        for i in readable:
            occ = occurrences[i]
            term = self.glossary.terms[occ.term_id]
            evidence = gather(view, occ, term, with_document=False)
            if len(evidence) < room:
                kept[i] = evidence
                room -= len(evidence) + 1
            probs, _, sorted_words = features.read(self.model.stage1, term, evidence, words[i])
            size = len(sorted_words[0]) + len(sorted_words[1]) + _WORDS_PER_USE
            if size <= word_room:
                kept_words[i] = sorted_words
                word_room -= size
            senses = names.get(term.id)
            if senses is None:
                senses = names[term.id] = tuple(features.candidates(term))
                unique[term.id] = len(set(senses)) == len(senses)
            if len(probs) != len(senses):
                raise ValueError(f"{len(probs)} probabilities for {len(senses)} readings")
            view.first_pass[i] = (
                FirstPass(senses, probs)
                if unique[term.id]
                else dict(zip(senses, probs, strict=True))
            )

        def second(i: int) -> list:
            occ = occurrences[i]
            term = self.glossary.terms[occ.term_id]
            first = kept.pop(i, None)  # read once: free it
            evidence = (
                gather(view, occ, term, with_document=True)
                if first is None
                else first + gather_document(view, occ, term)
            )
            first_words = kept_words.pop(i, None)  # read once: free them
            probs, part, sorted_words = features.read(
                self.model.stage2, term, evidence, first_words or words.pop(i)
            )
            return [
                term,
                evidence,
                dict(zip(features.candidates(term), probs, strict=True)),
                part,
                sorted_words,
            ]

        return view, _IndexSet(len(occurrences), readable), second

    def resolve(self, occurrences: list[Occurrence], lean: bool = False) -> list[Occurrence]:
        """Read and decide every use. The second pass is read one use at a time, as it is
        decided (the definitions first): a document's evidence and features are never all
        alive at once, so memory stays bounded on a large file dense in terms.

        ``lean``: drop each use's probabilities and typed reasons as soon as it is decided
        (``check`` reports neither; only ``senses`` and the editor's hover show them), so a
        file dense in terms does not keep a dict of scores per use to its end."""
        declared = self.declarations()
        view, readable, second = self._first_pass(occurrences)
        shared = _SharedLists()
        confidences: dict[float, float] = {}
        readings: dict[int, list] = {i: second(i) for i in sorted(view.definitional)}
        established = dict(declared)
        # An author's own definition, read as the nearest sense, holds for the document.
        by_term: dict[str, list[int]] = {}
        for i in sorted(view.definitional):
            by_term.setdefault(occurrences[i].term_id, []).append(i)
        defined_at: dict[str, int] = {}
        local: set[str] = set()  # terms settled by a definition that does not govern the document
        for occ in occurrences:
            # The first link of a use to a glossary sense fixes it for the rest of the document.
            term = self.glossary.terms[occ.term_id]
            link = self._own_link(view, occ, term)
            if link and term.id not in established:
                line = self.doc.source.line_col(occ.start)[0]
                established[term.id] = Establishment(
                    link, f"linked to the glossary sense on line {line}", occ.start, line
                )
                by_term.pop(term.id, None)
        for term_id, defs in by_term.items():
            term = self.glossary.terms[term_id]
            senses = {decide.best_family(term, readings[i][2])[0] for i in defs}
            if term_id in established or len(senses) != 1:
                continue  # declared already, or two definitions that disagree
            first = defs[0]
            sense, _ = decide.best_family(term, readings[first][2])
            occ = occurrences[first]
            line = self.doc.source.line_col(occ.start)[0]
            # A definition holds from its paragraph's start: a lead-in use just before it
            # ("**Schemers.** A schemer is a model that …") is read by the same definition.
            scope_start = (
                0
                if first in view.document_scope
                else min(o.start for o in occurrences if o.block == occ.block)
            )
            own_words = decide.clarity(term, readings[first][2]) < self.model.threshold(
                self.strictness, term_id
            )
            origin = (
                f"defined in the document's own words on line {line}"
                if own_words
                else f"defined on line {line}"
            )
            established[term_id] = Establishment(
                sense, origin, scope_start, line, own_words=own_words, defined=True
            )
            defined_at[term_id] = first
            if first not in view.document_scope and not own_words:
                local.add(term_id)
        for i, occ in enumerate(occurrences):
            term = self.glossary.terms[occ.term_id]
            reading = readings.pop(i, None) or (second(i) if i in readable else None)
            est = established.get(term.id)
            threshold = self.model.threshold(self.strictness, term.id)
            applies = est is not None and (
                est.declared or est.offset <= occ.start or occ.in_heading
            )
            if (
                applies
                and term.id in local
                and occurrences[defined_at[term.id]].block != occ.block
                and reading is not None
                and decide.clarity(term, reading[2]) < threshold
            ):
                # A definition that does not say it holds for the document settles only the
                # uses the model can read: one it reads as unclear even with the definition
                # in view is still flagged (chosen on dev and on cross-validation through
                # the pipeline; docs/accuracy.md, third version).
                applies = False
            decide.apply(
                occ,
                term,
                reading[2] if reading else None,
                reading[1] if reading else [],
                reading[3] if reading else [],
                self.model,
                threshold,
                est if applies else None,
                words=reading[4] if reading else None,
                own_link=self._own_link(view, occ, term),
                defines=i in view.definitional,
                defines_for_document=defined_at.get(term.id) == i,
            )
            if lean:
                occ.scores, occ.reasons = NO_SCORES, NO_ITEMS
                # a confidence is rounded to two places: one float object for each value
                occ.confidence = confidences.setdefault(occ.confidence, occ.confidence)
                occ.evidence = shared(occ.evidence)
                occ.candidates = shared(occ.candidates)
        return occurrences

    # helpers -------------------------------------------------------------------------------

    def _own_link(self, view: DocumentView, occ: Occurrence, term: Term) -> str | None:
        for link in view.links.get(occ.block, ()):
            if (
                link.term_id == term.id
                and link.own_sense
                and link.start <= occ.text_start
                and occ.text_end <= link.end
            ):
                return link.sense_id
        return None


class _IndexSet:
    """Use indexes as one flag byte each, not a set entry each: membership and sorted
    iteration, all the resolver asks of the uses it reads."""

    __slots__ = ("flags", "count")

    def __init__(self, size: int, members: Iterable[int]):
        self.flags = bytearray(size)
        for i in members:
            self.flags[i] = 1
        self.count = self.flags.count(1)

    def __len__(self) -> int:
        return self.count

    def __contains__(self, index: int) -> bool:
        return 0 <= index < len(self.flags) and self.flags[index] == 1

    def __iter__(self) -> Iterator[int]:
        return (i for i, flag in enumerate(self.flags) if flag)


class _SharedLists:
    """One read-only copy of each decided use's evidence or candidates that several uses
    share (uses that read alike say the same few lines); at most ``limit`` kinds are kept, so
    a document whose uses all read differently pays little for trying."""

    __slots__ = ("seen", "limit")

    def __init__(self, limit: int = 10_000):
        self.seen: dict[tuple[str, ...], list[str]] = {}
        self.limit = limit

    def __call__(self, items: list[str]) -> list[str]:
        if not items:
            return NO_ITEMS
        key = tuple(sys.intern(e) for e in items)
        found = self.seen.get(key)
        if found is None:
            found = ReadOnlyList(key)
            if len(self.seen) < self.limit:
                self.seen[key] = found
        return found


#: An author fixing the meaning (a stipulation), not reporting how others use the word:
#: "We use 'schemer' to refer to …" against "The word 'schemer' is used for several things".
_STIPULATES = re.compile(
    r"\b(?:i|we|us|our|my|here|hereafter|henceforth|throughout|in\s+what\s+follows|"
    r"this\s+(?:post|paper|essay|piece|memo|report|note|section|document|page))\b",
    re.I,
)


def prepare_view(
    doc: MarkdownDoc,
    analyses: list[BlockAnalysis],
    glossary: Glossary,
    occurrences: list[Occurrence],
    with_mentions: bool = False,
    lazy_words: bool = False,
):
    """The document view, the indexes of the uses to read, and the words around each.

    A definitional sentence marks its use as defining (and, with words like "in this post",
    as governing the whole document); a quoted word in one ("We use 'schemer' to refer to …")
    is a stipulation to read, not a mention to skip. ``with_mentions`` also reads the uses
    the mention rules caught (training learns the mention reading from them).
    ``lazy_words``: the words around a use are read when asked for (each pass reads them
    again), not held for every use of the document at once.
    """
    view = DocumentView.build(doc, analyses, glossary, occurrences)
    readable = []
    for i, occ in enumerate(occurrences):
        if not glossary.terms[occ.term_id].multi_sense:
            continue
        start, end = analyses[occ.block].sentence(occ.sentence)
        sentence = doc.blocks[occ.block].text[start:end]
        rel = occ.text_start - start
        if is_definitional(sentence, rel, rel + occ.text_end - occ.text_start) and (
            not occ.mention or _STIPULATES.search(sentence)
        ):
            occ.mention = False
            view.definitional.add(i)
            if governs_document(sentence):
                view.document_scope.add(i)
        elif occ.mention and not with_mentions:
            continue
        readable.append(i)
    if lazy_words:
        return view, readable, _SentenceWords(doc, analyses, occurrences)
    words = {}
    for i in readable:
        occ = occurrences[i]
        words[i] = features.sentence_words(
            doc.blocks[occ.block].text, analyses[occ.block].sentence(occ.sentence), occ
        )
    return view, readable, words


class _SentenceWords:
    """``features.sentence_words`` of a use by its index, read on demand (see prepare_view)."""

    __slots__ = ("doc", "analyses", "occurrences")

    def __init__(self, doc: MarkdownDoc, analyses: list[BlockAnalysis], occurrences):
        self.doc, self.analyses, self.occurrences = doc, analyses, occurrences

    def __getitem__(self, i: int):
        occ = self.occurrences[i]
        return features.sentence_words(
            self.doc.blocks[occ.block].text, self.analyses[occ.block].sentence(occ.sentence), occ
        )

    pop = __getitem__

"""The spaCy stage — the only module that imports spaCy.

One pipeline per process: spaCy's Tokenizer with lean English rules (:func:`make_tokenizer`),
with sentence boundaries from :mod:`termlint.nlp.sentences` (a regex; spaCy's sentencizer cost more
than the Markdown parse on a large corpus). Every word type gets a crude stem as its NORM (set
once per lexeme, not per token), so cue phrases match any inflection without anyone writing
inflection patterns. Term forms match on LOWER (exact words). The output
is plain data (:class:`BlockAnalysis`), so the later stages never see spaCy objects.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from sys import intern
from typing import TYPE_CHECKING, Any

from ..model import NO_ITEMS, BlockAnalysis, TermHit, cue_kind, cue_kind_of
from .sentences import sentence_bounds
from .stems import stem

if TYPE_CHECKING:
    from ..glossary.entries import Glossary


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
    """termlint's word lists (data/lexicon.yaml), read through the JSON cache: parsing the
    YAML took longer than building half the matchers."""
    from ..project.datafiles import PACKAGE_DIR, cached_raw

    path = PACKAGE_DIR / "data" / "lexicon.yaml"

    def parse():
        import yaml

        return yaml.load(
            path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )

    return cached_raw(
        "lexicon",
        [path],
        parse,
        valid=lambda raw: (
            isinstance(raw, dict)
            and all(
                isinstance(v, list) and all(isinstance(w, str) for w in v) for v in raw.values()
            )
        ),
    )[0]


#: The tokenizer's rules, written for what termlint matches: words, with punctuation split
#: off their edges and from between them ("in-context" → in - context, "schemer's" → schemer
#: 's). spaCy's English rules handle currencies, units, emoticons and scripts termlint never
#: matches on, and compiling them took a third of the start-up after ``import spacy``.
_PREFIX = re.compile(r"^(?:\.\.+|[^\w\s]|_)")
_SUFFIX = re.compile(r"(?:['’][sS]|\.\.+|[^\w\s]|_)$")
_INFIX = re.compile(r"(?<=\w)[^\w\s'’]+(?=\w)")


#: Set by the ``termlint`` command (:func:`termlint.cli.run`), whose process never runs spaCy's
#: own command line: spaCy may then be loaded without it (see :func:`import_spacy`).
SKIP_SPACY_CLI = False


def import_spacy() -> None:
    """Import spaCy once per process; in the termlint command, without spaCy's CLI.

    ``spacy/__init__`` imports ``spacy.cli.info`` and with it typer, weasel, requests and the
    rest of spaCy's command line: about a third of ``import spacy``, for commands termlint
    never runs. In the termlint command an empty stand-in takes its place while spaCy loads
    and is dropped afterwards, so a later ``import spacy.cli`` gets the real one. If this
    spaCy needs more of its CLI at import time, it is imported again the ordinary way.
    """
    if "spacy" in sys.modules:
        return
    from . import SKIP_SPACY_CLI as skip_for_the_command

    if not (SKIP_SPACY_CLI or skip_for_the_command):
        import spacy

        return
    stand_ins = _cli_stand_ins()
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)
    try:
        import spacy
    except Exception:  # this spaCy's import needs its real CLI: import it the ordinary way
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        package = sys.modules.get("spacy")
        if package is not None and getattr(package, "cli", None) is stand_ins["spacy.cli"]:
            del package.cli  # `import spacy.cli` brings the real one


def _cli_stand_ins() -> dict:
    import types

    cli = types.ModuleType("spacy.cli", "stand-in while spaCy loads (termlint.nlp.import_spacy)")
    cli.__path__ = []
    info: Any = types.ModuleType("spacy.cli.info", cli.__doc__)  # given .info below

    def spacy_info(*args, **kwargs):  # spacy.info(), should anything call it: the real one
        from importlib import import_module

        return import_module("spacy.cli.info").info(*args, **kwargs)

    info.info = spacy_info
    return {"spacy.cli": cli, "spacy.cli.info": info}


def make_tokenizer(word_stem=stem):
    """spaCy's Tokenizer with termlint's lean rules and only the lexeme attributes it reads.

    No special cases either: spaCy's 1,300 English ones only keep contractions ("do n't") and
    abbreviations ("e.g.") together, which neither matching nor the sentence splitter needs.
    Every word type gets a crude stem as its NORM, set once per lexeme, not per token.
    """
    import_spacy()
    from spacy.attrs import LOWER, NORM
    from spacy.lang.tokenizer_exceptions import URL_MATCH
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    vocab = Vocab(lex_attr_getters={LOWER: str.lower, NORM: word_stem})
    return Tokenizer(
        vocab,
        rules={},
        prefix_search=_PREFIX.search,
        suffix_search=_SUFFIX.search,
        infix_finditer=_INFIX.finditer,
        url_match=URL_MATCH,
    )


class Analyzer:
    """The spaCy pipeline and matchers for one glossary; build once, reuse for every file."""

    def __init__(self, glossary: Glossary):
        self.tokenizer = tokenizer = make_tokenizer()  # first: it imports spaCy without its CLI
        from spacy.attrs import IDX, LENGTH, LOWER
        from spacy.matcher import PhraseMatcher

        self.keys: dict[int, tuple] = {}
        # a cue match id → its term, sense and packed kind (cue_kind), filled in as cues are
        # first seen
        self._cue_kinds: dict[int, tuple[str, str, int]] = {}
        self._contexts: dict[int, int] = {}  # a context word's match id → 0 AI, 1 human
        self._columns = [IDX, LENGTH, LOWER]
        self.term_matcher = PhraseMatcher(tokenizer.vocab, attr="LOWER")
        self.norm_matcher = PhraseMatcher(tokenizer.vocab, attr="NORM")
        make = tokenizer
        for term in glossary.terms.values():
            for kind, forms in (("form", term.forms), ("verb", term.verb_forms)):
                key = self._key(("term", term.id, kind))
                docs = [make(v) for f in forms for v in phrase_variants(f)]
                if docs:
                    self.term_matcher.add(key, docs)
            if term.exclusions:
                key = self._key(("exclusion", term.id))
                self.term_matcher.add(
                    key, [make(v) for e in term.exclusions for v in phrase_variants(e)]
                )
            for sense in term.senses:
                for cue in sense.cues:
                    key = self._key(("cue", term.id, sense.id, cue.phrase, float(cue.weight)))
                    self.norm_matcher.add(key, [make(v) for v in phrase_variants(cue.phrase)])
        lex = lexicon()
        for kind, words in (
            ("ai", lex["ai_agents"] + lex["ai_topics"]),
            ("human", lex["human_agents"]),
        ):
            key = self._key(("context", kind))
            self.norm_matcher.add(key, [make(v) for w in words for v in phrase_variants(str(w))])
            self._contexts[self.tokenizer.vocab.strings[key]] = 0 if kind == "ai" else 1
        # Pronouns match as written: their stems collide with other words ("here" → "her").
        self.term_matcher.add(
            self._key(("context", "pronoun")), [make(str(w)) for w in lex["human_pronouns"]]
        )

    def __getstate__(self) -> dict:
        # cue kind numbers are this process's own (see PackedCues): another process renumbers
        state = self.__dict__.copy()
        state["_cue_kinds"] = {}
        return state

    def _key(self, meaning: tuple) -> str:
        name = "|".join(map(str, meaning))
        self.keys[self.tokenizer.vocab.strings.add(name)] = meaning
        return name

    def analyze(self, texts: Sequence[str]) -> list[BlockAnalysis]:
        """Analyse prose blocks in one batch; returns plain data, one per text."""
        return list(self.each_analysis(texts))

    def each_analysis(self, texts: Iterable[str]) -> Iterator[BlockAnalysis]:
        """:meth:`analyze`, one block's analysis at a time.

        Consecutive blocks are tokenised and matched as one spaCy Doc of up to JOINED_CHARS
        characters (each block's text, then a blank line): a Doc, its two matcher runs and its
        arrays cost about as much per block as a paragraph's words. Each match is then read
        as its own block's, with offsets, token indices and context words from that block
        alone. A text that starts or ends with whitespace is analysed alone (its edge would
        run into the blank line's token), and so is a text over LONG_TEXT.
        """
        # A generator, not a list: no second copy of the whole document's prose is kept, and
        # each Doc is freed once its blocks are read.
        batch: list[tuple[str, str]] = []  # (text, the text spaCy reads)
        size = 0
        for text in texts:
            if len(text) > LONG_TEXT:
                if batch:
                    yield from self._analyze_joined(batch)
                    batch, size = [], 0
                yield self._analyze_long(text)
                continue
            spaced = _break_long_chunks(text)
            if not spaced or spaced[0].isspace() or spaced[-1].isspace():
                if batch:
                    yield from self._analyze_joined(batch)
                    batch, size = [], 0
                yield self._analyze_doc(self.tokenizer(spaced), text)
                continue
            batch.append((text, spaced))
            size += len(spaced) + 2
            if size >= JOINED_CHARS:
                yield from self._analyze_joined(batch)
                batch, size = [], 0
        if batch:
            yield from self._analyze_joined(batch)

    def _analyze_joined(self, batch: list[tuple[str, str]]) -> Iterator[BlockAnalysis]:
        """The analyses of blocks whose texts neither start nor end with whitespace, from
        one Doc of their texts joined by blank lines (see :meth:`each_analysis`)."""
        doc = self.tokenizer(_JOIN.join(spaced for _, spaced in batch))
        term_matches = self.term_matcher(doc)
        norm_matches = self.norm_matcher(doc)
        columns = doc.to_array(self._columns).T.tolist()
        idx = columns[0] if columns else []
        # each block's first token: the one at its first character (it starts with a word);
        # the blank line after a block is one token of its own, found by no pattern
        firsts, ends, offset = [], [], 0
        for _, spaced in batch:
            firsts.append(bisect_left(idx, offset))
            offset += len(spaced)
            ends.append(bisect_left(idx, offset))
            offset += len(_JOIN)
        terms: list[list] = [[] for _ in batch]
        norms: list[list] = [[] for _ in batch]
        for match in term_matches:
            terms[bisect_right(firsts, match[1]) - 1].append(match)
        for match in norm_matches:
            norms[bisect_right(firsts, match[1]) - 1].append(match)
        offset = 0
        for at, (text, spaced) in enumerate(batch):
            result = _Found()
            result.sentences = sentence_bounds(text)
            cues: _Cues = {}
            if terms[at] or norms[at]:
                first = firsts[at]
                self._collect_matches(
                    terms[at],
                    norms[at],
                    columns,
                    doc.vocab.strings,
                    result,
                    cues,
                    [s for s, _ in result.sentences],
                    -offset,
                    -first,
                    first,
                    ends[at],
                )
            offset += len(spaced) + len(_JOIN)
            yield _finish(result, cues)

    def _analyze_doc(self, doc, text: str) -> BlockAnalysis:
        result = _Found()
        result.sentences = sentence_bounds(text)  # doc.text would rebuild it token by token
        cues: _Cues = {}
        self._collect(doc, result, cues, [s for s, _ in result.sentences])
        return _finish(result, cues)

    def _analyze_long(self, text: str) -> BlockAnalysis:
        """A paragraph too long for one spaCy Doc, analysed a run of sentences at a time.

        spaCy refuses a text over a million characters, and a Doc costs some hundred bytes
        a token; token indices and offsets are carried on so the result reads as one Doc.
        """
        result = _Found()
        result.sentences = sentence_bounds(text)
        starts = [s for s, _ in result.sentences]
        token_base = 0
        cues: _Cues = {}
        for begin, end in _long_text_pieces(text, result.sentences):
            doc = self.tokenizer(_break_long_chunks(text[begin:end]))
            self._collect(doc, result, cues, starts, begin, token_base)
            token_base += len(doc)
        return _finish(result, cues)

    def _collect(
        self,
        doc,
        result: _Found,
        cues: _Cues,
        starts: list[int],
        base: int = 0,
        token_base: int = 0,
    ) -> None:
        """Add one Doc's matches to ``result``, its cues to ``cues`` as packed rows
        (:meth:`PackedCues.from_rows`) grouped as :func:`_longest_cues` reads them; the Doc's
        text starts at ``base``.

        A sentence is found by bisecting ``starts`` directly: the first sentence always
        starts at 0 (``sentence_bounds``), so no offset lies before it.
        """
        term_matches = self.term_matcher(doc)
        norm_matches = self.norm_matcher(doc)
        if not term_matches and not norm_matches:
            return
        # Offsets, lengths and lowercase forms read as arrays: a Token object per look-up
        # was most of this function's time.
        columns = doc.to_array(self._columns).T.tolist()
        self._collect_matches(
            term_matches,
            norm_matches,
            columns,
            doc.vocab.strings,
            result,
            cues,
            starts,
            base,
            token_base,
            0,
            len(doc),
        )

    def _collect_matches(
        self,
        term_matches: list,
        norm_matches: list,
        columns: list[list[int]],
        strings,
        result: _Found,
        cues: _Cues,
        starts: list[int],
        base: int,
        token_base: int,
        lo: int,
        hi: int,
    ) -> None:
        """:meth:`_collect` of one block's matches in a Doc whose ``columns`` are its tokens'
        offsets, lengths and lowercase forms. ``base`` and ``token_base`` turn the Doc's
        offsets and token indices into the block's; the block's tokens are ``lo`` up to
        ``hi``, and context words are read only among them."""
        idx, length, lower = columns if columns else ([], [], [])
        keys = self.keys
        for match_id, start, end in term_matches:
            meaning = keys[match_id]
            start_char = base + idx[start]
            if meaning[0] == "context":  # a pronoun
                result.pronoun_tokens.append(
                    (token_base + start, bisect_right(starts, start_char) - 1)
                )
                continue
            end_char = base + idx[end - 1] + length[end - 1]
            if meaning[0] == "exclusion":
                result.exclusions.append((start_char, end_char))
                continue
            # one str per word form, not one per look-up (a use keeps eight of them)
            left = tuple(intern(strings[lower[i]]) for i in range(max(lo, start - 4), start))
            right = tuple(intern(strings[lower[i]]) for i in range(end, min(hi, end + 4)))
            result.terms.append(
                TermHit(
                    meaning[1],
                    meaning[2],
                    start_char,
                    end_char,
                    token_base + start,
                    token_base + end,
                    bisect_right(starts, start_char) - 1,
                    left,
                    right,
                )
            )
        if not norm_matches:
            return
        contexts = self._contexts
        targets = (result.ai_tokens, result.human_tokens)
        kinds = self._cue_kinds
        for match_id, start, end in norm_matches:
            start_char = base + idx[start]
            sentence = bisect_right(starts, start_char) - 1
            context = contexts.get(match_id)
            if context is not None:  # a word that says who acts
                targets[context].append((token_base + start, sentence))
                continue
            cue = kinds.get(match_id)
            if cue is None:
                meaning = keys[match_id]
                cue = kinds[match_id] = (meaning[1], meaning[2], cue_kind(*meaning[1:]))
            term_id, sense_id, kind = cue
            end_char = base + idx[end - 1] + length[end - 1]
            unique = cues.get(term_id)
            if unique is None:
                unique = cues[term_id] = {}
            # one phrase per span: the last one found
            unique[sense_id, start_char, end_char] = (
                kind,
                start_char,
                end_char,
                token_base + start,
                token_base + end,
                sentence,
            )


#: Longer prose is analysed in pieces (spaCy's own limit is a million characters).
LONG_TEXT = 100_000
#: Blocks are tokenised together up to about this many characters (see each_analysis).
JOINED_CHARS = 1 << 15
_JOIN = "\n\n"


def _long_text_pieces(text: str, sentences: list[tuple[int, int]]):
    """``(begin, end)`` runs of whole sentences of at most LONG_TEXT characters (a longer
    sentence is cut at a space)."""
    begin = 0
    for _, end in sentences:
        while end - begin > LONG_TEXT:
            cut = text.rfind(" ", begin + 1, begin + LONG_TEXT)
            cut = cut if cut > begin else begin + LONG_TEXT
            yield begin, cut
            begin = cut
        if end - begin > LONG_TEXT // 2:
            yield begin, end
            begin = end
    if begin < len(text):
        yield begin, len(text)


#: A block's cue rows as the analyzer gathers them: by term, then by (sense, start, end)
_Cues = dict[str, dict[tuple[str, int, int], tuple[int, int, int, int, int, int]]]


class _Found:
    """What the analyzer collects from one block, before it is packed (BlockAnalysis)."""

    __slots__ = ("sentences", "terms", "ai_tokens", "human_tokens", "pronoun_tokens", "exclusions")

    def __init__(self) -> None:
        self.sentences: list[tuple[int, int]] = []
        self.terms: list[TermHit] = []
        self.ai_tokens: list[tuple[int, int]] = []  # (token, sentence)
        self.human_tokens: list[tuple[int, int]] = []
        self.pronoun_tokens: list[tuple[int, int]] = []
        self.exclusions: list[tuple[int, int]] = []  # character spans


def _finish(result: _Found, cues: _Cues) -> BlockAnalysis:
    # Packed once read (see BlockAnalysis): a dense document keeps every block's until it is
    # read. Most blocks hold no term and no exclusion: one shared empty instead of a list each.
    return BlockAnalysis(
        result.sentences,
        _longest_terms(result.terms) or NO_ITEMS,
        ai_tokens=result.ai_tokens,
        human_tokens=result.human_tokens,
        pronoun_tokens=result.pronoun_tokens,
        exclusions=result.exclusions or NO_ITEMS,
        cue_rows=_longest_of(cues) if cues else NO_ITEMS,
    )


_LONG_CHUNK = re.compile(r"\S{256,}")


def _break_long_chunks(text: str) -> str:
    """Turn punctuation into spaces, at most every 32 characters, in a very long run of
    non-space characters, keeping every offset.

    spaCy's tokenizer splits prefixes and suffixes off a chunk one at a time, searching the
    rest of the chunk each time: 10,000 brackets took seven seconds, 20,000 of ``'s`` half a
    minute. No word is 256 characters long, and a letter never becomes a space, so every
    term a reader could see is still found.
    """
    if len(text) < 256 or not _LONG_CHUNK.search(text):
        return text

    def spaced(m: re.Match[str]) -> str:
        chars = list(m.group())
        last = 0
        for i, c in enumerate(chars):
            if i - last >= 32 and not (c.isalnum() or c == "_"):
                chars[i] = " "
                last = i
        return "".join(chars)

    return _LONG_CHUNK.sub(spaced, text)


def _longest_terms(hits: list[TermHit]) -> list[TermHit]:
    """Keep the longest of overlapping term matches ("alignment faking" over "faking")."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[TermHit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _longest_cues(
    rows: list[tuple[int, int, int, int, int, int]],
) -> list[tuple[int, int, int, int, int, int]]:
    """Drop a cue that lies strictly inside a longer cue of the same term (rows as
    :meth:`PackedCues.from_rows` takes them), and keep one phrase per span and sense: the
    last one found."""
    by_term: _Cues = {}
    for row in rows:
        term_id, sense_id, _, _ = cue_kind_of(row[0])
        unique = by_term.get(term_id)
        if unique is None:
            unique = by_term[term_id] = {}
        unique[sense_id, row[1], row[2]] = row
    return _longest_of(by_term)


def _longest_of(by_term: _Cues) -> list[tuple[int, int, int, int, int, int]]:
    """:func:`_longest_cues` of rows already grouped by term and keyed by (sense, start, end),
    as :meth:`Analyzer._collect` gathers them."""
    kept: list[tuple[int, int, int, int, int, int]] = []
    for unique in by_term.values():
        if len(unique) > 1:
            # A span lies strictly inside a longer one exactly when some span before it, in
            # order of start and then of longest first, reaches as far (a sweep, not k² pairs).
            reach = -1
            inside = set()
            for start, negative_end in sorted({(key[1], -key[2]) for key in unique}):
                end = -negative_end
                if reach >= end:
                    inside.add((start, end))
                elif end > reach:
                    reach = end
            if inside:
                kept.extend(row for row in unique.values() if (row[1], row[2]) not in inside)
                continue
        kept.extend(unique.values())
    kept.sort(key=itemgetter(1))
    return kept


def analyzer_for(glossary: Glossary) -> Analyzer:
    """The process-wide analyzer for a glossary, built on first use."""
    return glossary.derived("analyzer", Analyzer)

"""Sense resolution: decide what each occurrence means, from the whole document.

Evidence, in order of authority:

1. a declaration — front matter ``termlint: {senses: {TERM: SENSE}}`` or a
   ``<!-- termlint-sense TERM=SENSE -->`` comment;
2. a link on the occurrence to a glossary sense (``…/scheming.html#worst-case-model``), and the
   sense a document establishes by a definitional sentence ("By scheming I mean …") or a first
   sense link;
3. cue phrases: in the sentence (a qualifier right next to the word counts most), then the rest
   of the paragraph and its neighbours, the headings above, and the framing of the whole
   document — each weighted by distance.

Every decision records its evidence. Pure functions over plain data; no spaCy here.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..document.markdown import MarkdownDoc
from ..errors import TermlintError
from ..glossary.entries import Glossary, Term
from ..model import BlockAnalysis, CueHit, Establishment, Occurrence

# Weights of the evidence, in one place.
QUALIFIER_DISTANCE = 2  # tokens: a cue this close is a qualifier ("in-context scheming")
QUALIFIER_BONUS = 1.5
QUALIFIER_MIN_WEIGHT = 1.5  # generic words ("training", "eval") get no bonus for standing close
SENTENCE_FALLOFF = 40  # tokens over which a same-sentence cue fades to half weight
PARAGRAPH_WEIGHT = 0.5
NEIGHBOUR_WEIGHT = 0.2
NEIGHBOUR_CAP = 0.6  # neighbours can tip a decision, never make it alone
HEADING_WEIGHT = 0.6
TITLE_WEIGHT = 0.4
FRAMING_WEIGHT = 1.2  # a clearly dominant framing settles a bare use on its own
FRAMING_SHARE = 0.6
FRAMING_MIN_MASS = 5.0
FRAMING_REPEAT_CAP = 3
RESOLVE_MIN = 1.2
RESOLVE_RATIO = 1.5
DEFINITION_MIN = 1.0
HUMAN_WINDOW = 8
PRONOUN_REACH = 3  # tokens: "her scheming", "he is scheming", "she was quietly scheming"
AGENT_WEIGHT = 2.0  # who does it ("a model that sandbags") names a sense like a specific cue

_Q = "[\"“”'‘’*_]?"


# -- definitional sentences ---------------------------------------------------------------

_BEFORE_PATTERNS = [
    re.compile(r"\b(?:i|we)(?:'ll|’ll|\s+will|\s+shall|\s+here)?\s+(?:use|reserve|say)\s+"
               r"(?:the\s+(?:term|word|label)\s+)?" + _Q + r"$", re.I),
    re.compile(r"\bwhat\s+(?:i|we)(?:'ll|’ll|\s+will)?\s+call\s+" + _Q + r"$", re.I),
    re.compile(r"\b(?:i|we)\s+(?:define|mean\s+by)\s+" + _Q + r"$", re.I),
    re.compile(r"\((?:hereafter|henceforth|or)?,?\s*" + _Q + r"$", re.I),
    re.compile(r"\b(?:call|term|dub|label)\s+(?:this|these|such\s+\w+|them|it)\s+(?:an?\s+)?"
               + _Q + r"$", re.I),
]
_AFTER_PATTERNS = [
    re.compile(r"^" + _Q + r"s?" + _Q + r",?\s*(?:i|we|this\s+(?:post|paper|memo|report|piece|"
               r"essay|note|document|section|chapter))\s+(?:will\s+|'ll\s+|’ll\s+)?"
               r"(?:mean|means|am\s+referring|are\s+referring|refers?)\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s*[(,:—–-]\s*(?:i\.\s?e\.|ie\b|that\s+is|meaning|"
               r"hereafter|henceforth|defined\s+as|by\s+which)", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s+(?:is|are)\s+(?:here\s+)?(?:defined|understood|"
               r"taken|used)\s+(?:as|to\s+mean|to\s+refer\s+to|for|here\s+to)\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s+(?:here\s+)?(?:refers?|will\s+refer)\s+to\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s*,?\s*(?:\(|in\s+)(?:the\s+)?sense\s+of\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s+in\s+[\w.\-]+(?:'s|’s)\s+sense\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s*\)?\s+for\s+short\b", re.I),
    re.compile(r"^" + _Q + r"s?" + _Q + r"\s+(?:is|means)\s+when\b", re.I),
]
_USED_FOR_BEFORE = re.compile(r"\b(?:use|uses|using|used|call|calls|calling)\s+"
                              r"(?:the\s+(?:term|word|label)\s+)?" + _Q + r"$", re.I)
_USED_FOR_AFTER = re.compile(r"^" + _Q + r"s?" + _Q + r"\s+(?:to\s+(?:refer\s+to|mean|denote|"
                             r"describe|name)|for|as\s+(?:a\s+)?(?:name|label|shorthand))\b", re.I)
_SUBJECT_DEFINITION = re.compile(
    r"^" + _Q + r"s?" + _Q + r"\s+(?:is|are)\s+(?:an?\s+|any\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:models?|ais?|systems?|agents?|policy|policies|networks?|mesa-optimizers?)\s+"
    r"(?:that|which|who)\b", re.I)
_SUBJECT_BEFORE = re.compile(r"(?:^|[,:;]\s*|\b(?:a|an)\s+|^\s*(?:a|an)\s+)" + _Q + r"$", re.I)
_HEREAFTER = re.compile(r"\b(?:hereafter|henceforth)\b", re.I)
_DEFINE_BEFORE = re.compile(r"\b(?:define|defines|defined|defining)\s+" + _Q + r"$", re.I)
_DEFINE_AFTER = re.compile(r"^" + _Q + r"s?" + _Q + r"\s+as\b", re.I)
# "When researchers talk about (AI) scheming, they mean …", "If we speak of schemers, we mean …"
_TALK_BEFORE = re.compile(r"\b(?:talk|talks|talking|speak|speaks|speaking|write|writes|writing)"
                          r"\s+(?:about|of)\s+(?:\*\*|\*)?(?:AI\s+)?" + _Q + r"$", re.I)
_TALK_AFTER = re.compile(r"^" + _Q + r"s?" + _Q + r"(?:\*\*|\*)?\s*,\s*(?:they|we|i|people|"
                         r"researchers|most\s+people)\s+(?:usually\s+|generally\s+|typically\s+)?"
                         r"mean\b", re.I)


def is_definitional(sentence: str, rel_start: int, rel_end: int) -> bool:
    """Whether the sentence defines the word found at ``[rel_start, rel_end)``."""
    before = sentence[:rel_start]
    after = sentence[rel_end:]
    if any(p.search(before) for p in _BEFORE_PATTERNS):
        return True
    if any(p.search(after) for p in _AFTER_PATTERNS):
        return True
    if _SUBJECT_DEFINITION.search(after) and _SUBJECT_BEFORE.search(before):
        return True
    if _USED_FOR_BEFORE.search(before) and _USED_FOR_AFTER.search(after):
        return True
    if _TALK_BEFORE.search(before) and _TALK_AFTER.search(after):
        return True
    if _DEFINE_BEFORE.search(before) and _DEFINE_AFTER.search(after):
        return True  # "van der Weij et al. define sandbagging as strategic underperformance"
    return bool(_HEREAFTER.search(sentence))


# -- the resolver -------------------------------------------------------------------------


class DocumentResolver:
    """Resolves every occurrence of one document."""

    def __init__(self, doc: MarkdownDoc, analyses: list[BlockAnalysis], glossary: Glossary,
                 analyzed: list[int] | None = None):
        self.doc = doc
        self.analyzed = range(len(doc.blocks)) if analyzed is None else analyzed
        self.analyses = analyses
        self.glossary = glossary
        self.source_urls, self.source_titles = _source_indexes(glossary)
        self.sense_links = self._sense_link_cues()
        self.ai_in_doc = sum(len(a.ai_tokens) for a in analyses)
        self.human_in_doc = sum(len(a.human_tokens) for a in analyses)

    # evidence gathering --------------------------------------------------------------

    def declarations(self) -> dict[str, Establishment]:
        """Senses declared in front matter or by ``termlint-sense`` comments."""
        declared: dict[str, Establishment] = {}
        path = self.doc.source.path
        fm = self.doc.front_matter or {}
        settings = fm.get("termlint")
        if settings is not None:
            line = self.doc.front_matter_line
            if not isinstance(settings, dict) or not isinstance(settings.get("senses", {}), dict):
                raise TermlintError("front matter 'termlint' must look like "
                                    "termlint: {senses: {TERM: SENSE}}", path, line)
            unknown = set(settings) - {"senses"}
            if unknown:
                raise TermlintError(f"unknown key under 'termlint' in front matter: "
                                    f"{', '.join(sorted(map(str, unknown)))} (known: senses)",
                                    path, line)
            for term_id, sense_id in (settings.get("senses") or {}).items():
                self._check_sense(term_id, sense_id, line)
                declared[term_id] = Establishment(sense_id, "declared in front matter", 0, line)
        for d in self.doc.directives:
            if d.kind == "sense" and not d.error:
                for term_id, sense_id in d.senses.items():
                    self._check_sense(term_id, sense_id, d.line)
                    declared.setdefault(term_id, Establishment(
                        sense_id, f"declared by a termlint-sense comment on line {d.line}",
                        d.offset, d.line))
        return declared

    def _check_sense(self, term_id, sense_id, line) -> None:
        path = self.doc.source.path
        term = self.glossary.terms.get(str(term_id))
        if term is None:
            raise TermlintError(f"declares a sense for unknown term {term_id!r}", path, line)
        if term.sense(str(sense_id)) is None:
            known = ", ".join(s.id for s in term.senses)
            raise TermlintError(f"unknown sense {sense_id!r} for {term_id!r} (known: {known})",
                                path, line)

    def _sense_link_cues(self) -> dict[int, list[tuple[int, int, str, str, float]]]:
        """Per block: links whose target names a glossary sense or a cited source, and the
        titles of cited sources written out (a paper named is a paper cited)."""
        out: dict[int, list] = defaultdict(list)
        titles, by_title = self.source_titles
        for index in self.analyzed:
            block = self.doc.blocks[index]
            for link in block.links:
                for term_id, sense_id, weight in self._link_targets(link.href):
                    out[block.index].append((link.start, link.end, term_id, sense_id, weight))
            if titles is not None:
                for m in titles.finditer(block.text.lower()):
                    for term_id, sense_id, weight in by_title[m.group()]:
                        out[block.index].append((m.start(), m.end(), term_id, sense_id, weight))
        return out

    def _link_targets(self, href: str):
        href_l = href.lower()
        if "#" in href_l:
            path, _, anchor = href_l.partition("#")
            for term in self.glossary.terms.values():
                if term.id in path and term.sense(anchor):
                    yield term.id, anchor, 10.0
                    return
        key = _normalize_url(href)
        yield from self.source_urls.get(key, ())

    def local_scores(self, occ: Occurrence, term: Term) -> tuple[dict[str, float], list[str]]:
        """Cue evidence from the occurrence's own sentence (distance-weighted)."""
        scores: dict[str, float] = defaultdict(float)
        why: list[str] = []
        analysis = self.analyses[occ.block]
        for cue in analysis.cues:
            if cue.term_id != term.id or cue.sentence != occ.sentence:
                continue
            d = _token_distance(cue, occ)
            qualifier = d <= QUALIFIER_DISTANCE and cue.weight >= QUALIFIER_MIN_WEIGHT
            factor = QUALIFIER_BONUS if qualifier else max(0.5, 1 - d / SENTENCE_FALLOFF)
            scores[cue.sense_id] += cue.weight * factor
            why.append(f"'{cue.phrase}' in the sentence" + (" (next to the word)"
                                                             if qualifier else ""))
        if occ.agent:
            # Only where the term's senses differ in who does it (sandbagging: the model or
            # the lab); for most terms every AI sense has the same agent.
            acting = [s.id for s in term.senses if s.agent == occ.agent]
            if len(acting) == 1:
                scores[acting[0]] += AGENT_WEIGHT
                why.append(f"done by '{occ.agent_word}' (the word next to it)")
        block = self.doc.blocks[occ.block]
        sent_start, sent_end = analysis.sentences[occ.sentence]
        for start, _end, term_id, sense_id, weight in self.sense_links.get(occ.block, ()):
            if term_id == term.id and sent_start <= start < sent_end and weight < 10:
                scores[sense_id] += weight
                why.append(f"a citation link in the sentence ({sense_id})")
        del block
        return scores, why

    def context_scores(self, occ: Occurrence, term: Term) -> tuple[dict[str, float], list[str]]:
        """Cue evidence from the paragraph, neighbouring blocks and headings."""
        scores: dict[str, float] = defaultdict(float)
        why: list[str] = []
        blocks = self.doc.blocks
        analysis = self.analyses[occ.block]
        for cue in analysis.cues:
            if cue.term_id == term.id and cue.sentence != occ.sentence:
                dist = abs(cue.sentence - occ.sentence)
                scores[cue.sense_id] += cue.weight * PARAGRAPH_WEIGHT / (1 + 0.5 * (dist - 1))
                why.append(f"'{cue.phrase}' in the paragraph")
        block = blocks[occ.block]
        neighbours = [occ.block + 1, occ.block + 2] if block.kind == "heading" else \
            [occ.block - 1, occ.block + 1]
        near: dict[str, float] = defaultdict(float)
        for i in neighbours:
            if 0 <= i < len(blocks) and blocks[i].kind != "heading" and \
                    blocks[i].heading_path == (block.heading_path if block.kind != "heading"
                                               else block.heading_path + (block.index,)):
                weight = NEIGHBOUR_WEIGHT * (2 if block.kind == "heading" else 1)
                for cue in self.analyses[i].cues:
                    if cue.term_id == term.id:
                        near[cue.sense_id] += cue.weight * weight
                        why.append(f"'{cue.phrase}' in a neighbouring paragraph")
        cap = NEIGHBOUR_CAP * (2 if block.kind == "heading" else 1)
        for sense_id, value in near.items():
            scores[sense_id] += min(value, cap)
        frame = list(block.heading_path)
        for depth, h in enumerate(reversed(frame)):
            weight = HEADING_WEIGHT if depth == 0 else TITLE_WEIGHT
            for cue in self.analyses[h].cues:
                if cue.term_id == term.id:
                    scores[cue.sense_id] += cue.weight * weight
                    why.append(f"'{cue.phrase}' in the heading \"{blocks[h].text.strip()}\"")
        if self.doc.title_block is not None and self.doc.title_block not in frame and \
                self.doc.title_block != occ.block:
            for cue in self.analyses[self.doc.title_block].cues:
                if cue.term_id == term.id:
                    scores[cue.sense_id] += cue.weight * TITLE_WEIGHT
                    why.append(f"'{cue.phrase}' in the title")
        return scores, why

    def framing(self, term: Term) -> tuple[str, float] | None:
        """The sense the whole document leans to, if one clearly dominates."""
        mass: dict[str, float] = defaultdict(float)
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for analysis in self.analyses:
            for cue in analysis.cues:
                if cue.term_id != term.id:
                    continue
                key = (cue.sense_id, cue.phrase.lower())
                seen[key] += 1
                if seen[key] <= FRAMING_REPEAT_CAP:
                    mass[cue.sense_id] += min(cue.weight, 2.0)
        mass = _fold_narrower(mass, term)
        total = sum(v for s, v in mass.items() if _is_ai(term, s))
        if total < FRAMING_MIN_MASS:
            return None
        best = max((s for s in mass if _is_ai(term, s)), key=lambda s: mass[s])
        share = mass[best] / total
        return (best, share) if share >= FRAMING_SHARE else None

    def is_colloquial(self, occ: Occurrence, term: Term) -> bool:
        """Everyday use: needs positive evidence of people, never just absence of AI words.

        In alignment writing a bare "scheming" is about AI; it is read as everyday plotting only
        with a person acting near the word, or an everyday cue of the term's non-AI sense, and
        no AI word in the sentence.
        """
        everyday = [s.id for s in term.senses if not s.ai]
        if not everyday:
            return False
        analysis = self.analyses[occ.block]
        ai_near = min((abs(tok - occ.token) for tok, sent in analysis.ai_tokens
                       if sent == occ.sentence), default=None)
        human_near = min((abs(tok - occ.token) for tok, sent in analysis.human_tokens
                          if sent == occ.sentence), default=None)
        pronoun_before = min((occ.token - tok for tok, sent in analysis.pronoun_tokens
                              if sent == occ.sentence and 0 < occ.token - tok <= PRONOUN_REACH),
                             default=None)
        if pronoun_before is not None and (human_near is None or pronoun_before < human_near):
            human_near = pronoun_before  # "her scheming", "she was scheming": a person does it
        if human_near is not None and human_near <= HUMAN_WINDOW and \
                (ai_near is None or ai_near > human_near + 2):
            return True
        if ai_near is not None:
            return False
        if self.ai_in_doc == 0 and any(
                sent == occ.sentence for _, sent in analysis.pronoun_tokens):
            return True
        if self.ai_in_doc == 0 and self.human_in_doc and not any(
                c.term_id == term.id and c.sentence == occ.sentence and c.weight >= 1.5
                for c in analysis.cues):
            return True  # a document about people (a game, a novel) with no AI in it
        local = sum(c.weight for c in analysis.cues if c.term_id == term.id
                    and c.sentence == occ.sentence and c.sense_id in everyday)
        return local >= 1.0

    # the decision ----------------------------------------------------------------------

    def resolve(self, occurrences: list[Occurrence]) -> list[Occurrence]:
        declared = self.declarations()
        established: dict[str, Establishment] = dict(declared)
        defined_senses: dict[str, set[str]] = defaultdict(set)
        own_words: dict[str, Establishment] = {}
        by_term: dict[str, list[Occurrence]] = defaultdict(list)
        for occ in occurrences:
            by_term[occ.term_id].append(occ)
        # First pass: definitions and sense links anywhere in the document.
        definitions: dict[str, list[tuple[Occurrence, str | None]]] = defaultdict(list)
        for occ in occurrences:
            term = self.glossary.terms[occ.term_id]
            link_sense = self._own_link_sense(occ, term)
            if link_sense:
                definitions[term.id].append((occ, link_sense))
                continue
            sentence = self._sentence_text(occ)
            rel = occ.text_start - self.analyses[occ.block].sentences[occ.sentence][0]
            if is_definitional(sentence, rel, rel + (occ.text_end - occ.text_start)):
                local, _ = self.local_scores(occ, term)
                sense = _decide(_fold_narrower(local, term), term, DEFINITION_MIN)[0]
                if occ.mention and sense is None:
                    continue  # "the word 'schemer' is used for several things"
                occ.defines = True
                definitions[term.id].append((occ, sense))
        for term_id, defs in definitions.items():
            for _occ, sense in defs:
                if sense:
                    defined_senses[term_id].add(sense)
            named = [(o, s) for o, s in defs if s]
            if term_id not in established and len(defined_senses[term_id]) == 1 and named:
                first_occ, sense = named[0]
                line = self.doc.source.line_col(first_occ.start)[0]
                how = "linked to the glossary sense" if self._own_link_sense(
                    first_occ, self.glossary.terms[term_id]) else "defined"
                established[term_id] = Establishment(sense, f"{how} on line {line}",
                                                     first_occ.start, line)
            unnamed = [o for o, s in defs if not s]
            if unnamed and not defined_senses[term_id]:
                line = self.doc.source.line_col(unnamed[0].start)[0]
                own_words[term_id] = Establishment(None, f"defined in the document's own words "
                                                   f"on line {line}", unnamed[0].start, line)
        framings = {t: self.framing(self.glossary.terms[t]) for t in by_term}
        for occ in occurrences:
            term = self.glossary.terms[occ.term_id]
            self._resolve_one(occ, term, established.get(term.id), own_words.get(term.id),
                              framings.get(term.id),
                              contested=len(defined_senses[term.id]) > 1)
        return occurrences

    def _resolve_one(self, occ: Occurrence, term: Term, est: Establishment | None,
                     own: Establishment | None, framing, contested: bool) -> None:
        if occ.mention:
            occ.status, occ.evidence = "mention", ["the word is discussed as a word"]
            return
        if not term.multi_sense:
            occ.sense, occ.confidence, occ.status = term.senses[0].id, 1.0, "single-sense"
            occ.evidence = ["the term has one sense"]
            return
        if self.is_colloquial(occ, term):
            sense = next(s for s in term.senses if not s.ai)
            occ.sense, occ.confidence, occ.status = sense.id, 0.8, "colloquial"
            occ.evidence = ["no AI system in sight: everyday use"]
            return
        link_sense = self._own_link_sense(occ, term)
        if link_sense:
            occ.sense, occ.confidence, occ.status = link_sense, 1.0, "linked"
            occ.evidence = [f"linked to the glossary sense {link_sense}"]
            return
        local, local_why = self.local_scores(occ, term)
        local = _fold_narrower(local, term)
        if est is not None and (est.origin.startswith("declared") or est.offset <= occ.start
                                or occ.in_heading):
            occ.established = (est.sense, est.origin)
            family = _family(term, est.sense)
            rival = max((s for s in local if s not in family and _is_ai(term, s)),
                        key=lambda s: local[s], default=None)
            own_score = sum(local.get(s, 0.0) for s in family)
            if occ.defines and rival is None:
                occ.sense, occ.confidence, occ.status = est.sense, 0.95, "defined"
                occ.evidence = [est.origin] + local_why
                return
            if rival is not None and local[rival] >= 2.0 and own_score < 0.5 * local[rival]:
                occ.sense, occ.status = rival, "inconsistent"
                occ.confidence = round(min(0.95, local[rival] / (local[rival] + own_score + 1)), 2)
                occ.evidence = local_why + [f"but the document {est.origin}"]
                occ.scores = {k: round(v, 2) for k, v in local.items()}
                return
            occ.sense, occ.status = est.sense, "declared" if est.origin.startswith(
                "declared") else "established"
            occ.confidence = 1.0 if occ.status == "declared" else 0.9
            occ.evidence = [est.origin]
            return
        context, context_why = self.context_scores(occ, term)
        context = _fold_narrower(context, term)
        total: dict[str, float] = defaultdict(float)
        for part in (local, context):
            for k, v in part.items():
                total[k] += v
        why = local_why + context_why
        if framing and not contested:
            total[framing[0]] += FRAMING_WEIGHT
            why.append(f"the document's framing leans to {framing[0]} "
                       f"({round(framing[1] * 100)}% of its cues)")
        sense, confidence, candidates = _decide(total, term, RESOLVE_MIN)
        occ.scores = {k: round(v, 2) for k, v in sorted(total.items(), key=lambda kv: -kv[1])}
        if sense:
            occ.sense, occ.confidence, occ.status = sense, confidence, "resolved"
            occ.evidence = _dedupe(why)[:6]
            if occ.defines:
                occ.status = "defined"
            return
        if own is not None and (own.offset <= occ.start or occ.defines):
            occ.status, occ.confidence = "defined", 0.6
            occ.evidence = [own.origin]
            return
        occ.status, occ.candidates, occ.confidence = "ambiguous", candidates, confidence
        occ.evidence = _dedupe(why)[:6] or ["no qualifier, definition, link or framing "
                                            "points to one sense"]

    def _own_link_sense(self, occ: Occurrence, term: Term) -> str | None:
        for start, end, term_id, sense_id, weight in self.sense_links.get(occ.block, ()):
            if term_id == term.id and weight >= 10 and start <= occ.text_start and \
                    occ.text_end <= end:
                return sense_id
        return None

    def _sentence_text(self, occ: Occurrence) -> str:
        start, end = self.analyses[occ.block].sentences[occ.sentence]
        return self.doc.blocks[occ.block].text[start:end]


def _token_distance(cue: CueHit, occ: Occurrence) -> int:
    occ_end = occ.token + 1
    if cue.token_end <= occ.token:
        return occ.token - cue.token_end
    if cue.token >= occ_end:
        return cue.token - occ_end
    return 0


def _is_ai(term: Term, sense_id: str) -> bool:
    sense = term.sense(sense_id)
    return sense is not None and sense.ai


def _family(term: Term, sense_id: str | None) -> set[str]:
    family = {sense_id} if sense_id else set()
    sense = term.sense(sense_id) if sense_id else None
    if sense and sense.broader:
        family.add(sense.broader)
    family.update(s.id for s in term.senses if s.broader == sense_id)
    return family


def _fold_narrower(scores: dict[str, float], term: Term) -> dict[str, float]:
    """A narrower sense's evidence also supports its broader sense (not the reverse)."""
    out = dict(scores)
    for s in term.senses:
        if s.broader and scores.get(s.id):
            out[s.broader] = out.get(s.broader, 0.0) + scores[s.id] * 0.5
    return out


def _decide(scores: dict[str, float], term: Term, minimum: float):
    """(sense or None, confidence, candidates) from summed evidence."""
    ai = {k: v for k, v in scores.items() if _is_ai(term, k) and v > 0}
    ranked = sorted(ai.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0] if ranked else (None, 0.0)
    # A sense's broader or narrower sense agrees with it rather than competing.
    family = _family(term, best) if best else set()
    second = max((v for k, v in ranked if k not in family), default=0.0)
    # A narrower sense outranks its broader one when it has its own evidence.
    if best is not None:
        for s in term.senses:
            if s.broader == best and scores.get(s.id, 0) >= 2.0 and \
                    scores[s.id] >= 0.5 * best_score:
                best = s.id
                second = max((v for k, v in ranked if k not in (s.id, s.broader)), default=0.0)
                best_score = scores[s.id] * 1.5
    confidence = round(best_score / (best_score + second + 0.3), 2) if best else 0.0
    if best is not None and best_score >= minimum and best_score >= RESOLVE_RATIO * second:
        return best, min(confidence, 0.99), []
    main = [s.id for s in term.ai_senses if not s.broader]
    candidates = [k for k, v in ranked if v >= 0.5 * best_score and not
                  (term.sense(k) and term.sense(k).broader)]
    candidates += [s for s in main if s not in candidates]
    return None, confidence, candidates


def _dedupe(items: list[str]) -> list[str]:
    seen = set()
    out = []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def _normalize_url(url: str) -> str:
    u = url.strip().lower()
    u = re.sub(r"^https?://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = u.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    u = re.sub(r"^arxiv\.org/(?:pdf|abs)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$", r"arxiv.org/abs/\1",
               u)
    u = re.sub(r"^(?:greaterwrong\.com|alignmentforum\.org|lesswrong\.com)/posts/(\w+).*$",
               r"lw/\1", u)
    return u


#: A title this long (in words) is specific enough to count as a citation when written out.
TITLE_MIN_WORDS = 4
def _source_indexes(glossary: Glossary):
    """The URL index and the title pattern of the glossary's cited sources, built once."""
    return glossary.derived("source indexes",
                            lambda g: (_source_url_index(g), _source_title_index(g)))


def _source_title_index(glossary: Glossary):
    """A regex of the cited sources' titles (lowercased), and title → senses it votes for.

    A title counts when it has TITLE_MIN_WORDS words or more — the whole title, or the part
    before a colon ("Alignment faking in large language models", "Frontier Models are Capable
    of In-context Scheming"); a two-word title like "Gradient hacking" is just a phrase.
    """
    by_source: dict[str, list[tuple[str, str, float]]] = {}
    for term_id, sense_id, weight, key in _primary_citations(glossary):
        by_source.setdefault(key, []).append((term_id, sense_id, weight))
    by_title: dict[str, list[tuple[str, str, float]]] = {}
    for key, votes in by_source.items():
        source = glossary.sources.get(key)
        if source is None:
            continue
        title = " ".join(source.title.split()).lower()
        for candidate in {title, title.split(":")[0].strip()}:
            if len(candidate.split()) >= TITLE_MIN_WORDS:
                by_title.setdefault(candidate, []).extend(votes)
    if not by_title:
        return None, {}
    pattern = "|".join(re.escape(t) for t in sorted(by_title, key=len, reverse=True))
    return re.compile(pattern), by_title


def _primary_citations(glossary: Glossary):
    """(term, sense, weight, source key) for each AI sense's primary source; the weight is
    shared among the term's senses that cite the same source."""
    cited: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for term in glossary.terms.values():
        if not term.multi_sense:
            continue
        for sense in term.senses:
            if sense.ai and sense.sources:  # a sense's first source is its primary one
                cited[sense.sources[0].key][term.id].append(sense.id)
    for key, per_term in cited.items():
        for term_id, senses in per_term.items():
            for sense_id in senses:
                yield term_id, sense_id, 2.0 / len(senses), key


def _source_url_index(glossary: Glossary) -> dict[str, list[tuple[str, str, float]]]:
    """URL → senses whose sources cite it (a link to Apollo's paper votes for Apollo's sense)."""
    index: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for term_id, sense_id, weight, key in _primary_citations(glossary):
        source = glossary.sources.get(key)
        if source is not None:
            for url in [source.url, *source.urls]:
                index[_normalize_url(url)].append((term_id, sense_id, weight))
    return index

"""Links, cited sources and definitional sentences: the pieces of a document that point at a
sense by what they cite or how they are phrased. Pure functions over plain data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document.markdown import MarkdownDoc
    from ..glossary.entries import Glossary


@dataclass(frozen=True, slots=True)
class LinkCue:
    """A link or written-out title in a block that points at a term's sense."""

    start: int  # offsets in the block's prose text
    end: int
    term_id: str
    sense_id: str
    share: float  # 1 / the number of the term's senses citing the same source
    own_sense: bool  # a link to the glossary sense itself (…/scheming.html#roleplay)
    source_title: str = ""


def link_cues(doc: MarkdownDoc, glossary: Glossary, blocks: list[int]) -> dict[int, list[LinkCue]]:
    """Per block: links whose target names a glossary sense or a cited source, and the titles
    of cited sources written out (a paper named is a paper cited)."""
    urls, (titles, by_title) = source_indexes(glossary)
    out: dict[int, list[LinkCue]] = defaultdict(list)
    for index in blocks:
        block = doc.blocks[index]
        for link in block.links:
            out[index].extend(_link_targets(link.start, link.end, link.href, glossary, urls))
        if titles is None:
            continue
        text = block.text.lower()
        # the pattern only where a title is written out: most blocks cite none, and a plain
        # substring test per title is far cheaper than the alternation tried at every offset
        if any(title in text for title in by_title):
            for m in titles.finditer(text):
                for term_id, sense_id, share, title in by_title[m.group()]:
                    out[index].append(
                        LinkCue(m.start(), m.end(), term_id, sense_id, share, False, title)
                    )
    return out


def _link_targets(start: int, end: int, href: str, glossary: Glossary, urls):
    href_l = href.lower()
    if "#" in href_l:
        path, _, anchor = href_l.partition("#")
        for term in glossary.terms.values():
            if term.id in path and term.sense(anchor):
                return [LinkCue(start, end, term.id, anchor, 1.0, True, "the glossary")]
    return [
        LinkCue(start, end, term_id, sense_id, share, False, title)
        for term_id, sense_id, share, title in urls.get(normalize_url(href), ())
    ]


def normalize_url(url: str) -> str:
    u = url.strip().lower()
    u = re.sub(r"^https?://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = u.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    u = re.sub(
        r"^arxiv\.org/(?:pdf|abs)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$", r"arxiv.org/abs/\1", u
    )
    return re.sub(
        r"^(?:greaterwrong\.com|alignmentforum\.org|lesswrong\.com)/posts/(\w+).*$", r"lw/\1", u
    )


#: A title this long (in words) is specific enough to count as a citation when written out.
TITLE_MIN_WORDS = 4


def source_indexes(glossary: Glossary):
    """The URL index and the title pattern of the glossary's cited sources, built once."""
    return glossary.derived("source indexes", lambda g: (_url_index(g), _title_index(g)))


def _primary_citations(glossary: Glossary):
    """(term, sense, share, source key) for each AI sense's primary (first) source."""
    cited: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for term in glossary.terms.values():
        if not term.multi_sense:
            continue
        for sense in term.senses:
            if sense.ai and sense.sources:
                cited[sense.sources[0].key][term.id].append(sense.id)
    for key, per_term in cited.items():
        for term_id, senses in per_term.items():
            for sense_id in senses:
                yield term_id, sense_id, 1.0 / len(senses), key


def _url_index(glossary: Glossary):
    index: dict[str, list[tuple[str, str, float, str]]] = defaultdict(list)
    for term_id, sense_id, share, key in _primary_citations(glossary):
        source = glossary.sources.get(key)
        if source is not None:
            for url in [source.url, *source.urls]:
                index[normalize_url(url)].append((term_id, sense_id, share, source.title))
    return index


def _title_index(glossary: Glossary):
    """A regex of the cited sources' titles (lowercased), and title → senses it votes for. A
    title counts when it has TITLE_MIN_WORDS words or more — the whole title, or the part
    before a colon; a two-word title like "Gradient hacking" is just a phrase."""
    by_title: dict[str, list[tuple[str, str, float, str]]] = {}
    for term_id, sense_id, share, key in _primary_citations(glossary):
        source = glossary.sources.get(key)
        if source is None:
            continue
        title = " ".join(source.title.split()).lower()
        for candidate in {title, title.split(":")[0].strip()}:
            if len(candidate.split()) >= TITLE_MIN_WORDS:
                by_title.setdefault(candidate, []).append((term_id, sense_id, share, source.title))
    if not by_title:
        return None, {}
    pattern = "|".join(re.escape(t) for t in sorted(by_title, key=len, reverse=True))
    return re.compile(pattern), by_title


# -- definitional sentences ---------------------------------------------------------------

_Q = "[\"“”'‘’*_]?"
_TERM_END = _Q + r"s?" + _Q  # the word's closing quote or emphasis, a plural s

_BEFORE = [
    r"\b(?:i|we)(?:'ll|’ll|\s+will|\s+shall|\s+here)?\s+(?:use|reserve|say)\s+"
    r"(?:the\s+(?:term|word|label)\s+)?" + _Q + r"$",
    r"\bwhat\s+(?:i|we|people|researchers|others)(?:'ll|’ll|\s+will)?\s+(?:call|mean\s+by)\s+"
    r"(?:an?\s+)?" + _Q + r"$",
    r"\b(?:i|we)\s+(?:define|mean\s+by)\s+" + _Q + r"$",
    r"\((?:hereafter|henceforth|or)?,?\s*" + _Q + r"$",
    r"\b(?:call|term|dub|label)\s+(?:this|these|such\s+\w+|them|it)\s+(?:an?\s+)?" + _Q + r"$",
    r"\b(?:we|i)\s+say\s+(?:that\s+)?(?:an?\s+|the\s+)?(?:model|system|ai|policy|agent)\s+"
    r"(?:is|was|engages\s+in)\s+" + _Q + r"$",
    r"\bdefine[sd]?\s+" + _Q + r"$",
    # "I'm using a broad definition of X", "we adopt a narrow definition of X"
    r"\b(?:i|we)(?:['’]m|['’]re|\s+am|\s+are|\s+will|['’]ll)?\s+(?:using|use|adopt(?:ing)?|"
    r"tak(?:e|ing)|work(?:ing)?\s+with)\s+(?:a|an|the|my|our)\s+(?:[\w-]+\s+){0,2}?"
    r"definition\s+of\s+(?:an?\s+)?" + _Q + r"$",
]
_AFTER = [
    r"^" + _TERM_END + r",?\s*(?:i|we|this\s+(?:post|paper|memo|report|piece|essay|note|"
    r"document|section|chapter))\s+(?:will\s+|'ll\s+|’ll\s+)?(?:mean|means|am\s+referring|"
    r"are\s+referring|refers?)\b",
    r"^" + _TERM_END + r"\s*(?:[(,:—–]|--|\s-\s)\s*(?:i\.\s?e\.|ie\b|that\s+is|meaning|"
    r"hereafter|henceforth|defined\s+as|by\s+which|in\s+the\s+sense\s+of|here\s+meaning|"
    r"namely|which\s+(?:i|we)\s+(?:take|use)\s+to\s+mean)",
    r"^" + _TERM_END + r"\s+(?:is|are)\s+(?:here\s+)?(?:defined|understood|taken|used)\s+"
    r"(?:as|to\s+mean|to\s+refer\s+to|for|here\s+to)\b",
    r"^" + _TERM_END + r"\s+(?:here\s+)?(?:refers?|will\s+refer)\s+to\b",
    r"^" + _TERM_END + r"\s*,?\s*(?:\(|in\s+)(?:the\s+)?sense\s+of\b",
    r"^" + _TERM_END + r"\s+in\s+[\w.\-]+(?:'s|’s)\s+sense\b",
    r"^" + _TERM_END + r"\s*\)?\s+for\s+short\b",
    r"^" + _TERM_END + r"\s+(?:is|means)\s+when\b",
    r"^" + _TERM_END + r"\s+as\b(?=.*\b(?:defin|mean|understood|refer))",
    # a gloss in dashes or a colon right after the word: "alignment faking — acting aligned…"
    r"^" + _TERM_END + r"\s*(?:—|–|--|:)\s*(?:that\s+is,?\s+)?(?:an?\s+|the\s+)?(?:\w+ing|"
    r"when|where|a\s+model|an\s+ai|models?|systems?|ais?)\b",
    # a copular definition: "scheming, here, is…", "a schemer is a model that…"
    r"^" + _TERM_END + r"\s*,?\s*(?:here|in\s+this\s+(?:post|paper|essay|piece))\s*,?\s*"
    r"(?:is|are|means)\b",
]
_SUBJECT_DEFINITION = re.compile(
    r"^" + _TERM_END + r"\s*,?\s+(?:is|are)\s+(?:an?\s+|any\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:models?|ais?|systems?|agents?|policy|policies|networks?|mesa-optimizers?|behaviou?r|"
    r"strategy|cases?)\s+(?:that|which|who|where|in\s+which)\b",
    re.I,
)
_SUBJECT_BEFORE = re.compile(r"(?:^|[,:;]\s*|\b(?:a|an)\s+|^\s*(?:a|an)\s+)" + _Q + r"$", re.I)
_USED_FOR_BEFORE = re.compile(
    r"\b(?:use|uses|using|used|call|calls|calling)\s+"
    r"(?:the\s+(?:term|word|label)\s+)?" + _Q + r"$",
    re.I,
)
_USED_FOR_AFTER = re.compile(
    r"^" + _TERM_END + r"\s+(?:broadly|narrowly|loosely|strictly)?\s*,?"
    r"\s*(?:to\s+(?:refer\s+to|mean|denote|describe|name|cover)|for|as\s+"
    r"(?:a\s+)?(?:name|label|shorthand)|i\.\s?e\.)\b",
    re.I,
)
_TALK_BEFORE = re.compile(
    r"\b(?:talk|talks|talking|speak|speaks|speaking|write|writes|writing)"
    r"\s+(?:about|of)\s+(?:\*\*|\*)?(?:AI\s+)?" + _Q + r"$",
    re.I,
)
_TALK_AFTER = re.compile(
    r"^" + _TERM_END + r"(?:\*\*|\*)?\s*,\s*(?:they|we|i|people|"
    r"researchers|most\s+people)\s+(?:usually\s+|generally\s+|typically\s+)?"
    r"mean\b",
    re.I,
)
#: "Throughout, X means …", "In this post, X refers to …": a stated scope, then what the word means.
_SCOPE_BEFORE = re.compile(
    r"\b(?:throughout(?:\s+this\s+\w+)?|in\s+this\s+(?:post|paper|essay|piece|memo|report|"
    r"note|document|page|section)|in\s+what\s+follows|here|below)\s*,?\s*" + _Q + r"$",
    re.I,
)
_MEANS_AFTER = re.compile(
    r"^" + _TERM_END + r"\s+(?:means|will\s+mean|refers\s+to|denotes|stands\s+for)\b", re.I
)
_HEREAFTER = re.compile(r"\b(?:hereafter|henceforth)\b", re.I)
_BEFORE_RE = [re.compile(p, re.I) for p in _BEFORE]
_AFTER_RE = [re.compile(p, re.I) for p in _AFTER]
#: A definition that says it governs the whole document ("in this post I use …", "throughout").
_DOCUMENT_SCOPE = re.compile(
    r"\b(?:in\s+this\s+(?:post|paper|essay|piece|memo|report|note|"
    r"document|write-?up|sequence|review)|throughout|in\s+what\s+"
    r"follows|for\s+the\s+rest\s+of|hereafter|henceforth|i\s+use|we\s+use|"
    r"i['’]ll\s+use|we['’]ll\s+use|broadly|by\s+\S+\s+(?:i|we)(?:['’]ll|\s+will)?\s+mean|"
    r"(?:i|we)(?:['’]m|['’]re|\s+am|\s+are)\s+using|"
    r"(?:using|adopt(?:ing)?|work(?:ing)?\s+with)\s+(?:a|an|the|my|our)\s+(?:[\w-]+\s+){0,2}?"
    r"definition)\b",
    re.I,
)


def is_definitional(sentence: str, rel_start: int, rel_end: int) -> bool:
    """Whether the sentence defines the word found at ``[rel_start, rel_end)``, in any of the
    shapes authors use: "By X I mean", "X (i.e. …)", "X — acting aligned in training —",
    "we say a system is X if", "what we call X", "X, here, is …", "a X is a model that …"."""
    before, after = sentence[:rel_start], sentence[rel_end:]
    if any(p.search(before) for p in _BEFORE_RE) or any(p.search(after) for p in _AFTER_RE):
        return True
    if _SUBJECT_DEFINITION.search(after) and _SUBJECT_BEFORE.search(before):
        return True
    if _USED_FOR_BEFORE.search(before) and _USED_FOR_AFTER.search(after):
        return True
    if _TALK_BEFORE.search(before) and _TALK_AFTER.search(after):
        return True
    if _SCOPE_BEFORE.search(before) and _MEANS_AFTER.search(after):
        return True
    # "By X I mean", also with an aside: "By X, throughout this post, I mean"
    if re.search(r"\bby\s+" + _Q + r"$", before, re.I) and re.search(
        r"^"
        + _TERM_END
        + r"\s*(?:,[^,.;]{1,60},)?\s*,?\s*(?:i|we)(?:['’]ll|\s+will)?\s+(?:mean|refer)",
        after,
        re.I,
    ):
        return True
    return bool(_HEREAFTER.search(sentence))


def governs_document(sentence: str) -> bool:
    """Whether a definitional sentence says it holds for the whole document."""
    return bool(_DOCUMENT_SCOPE.search(sentence))

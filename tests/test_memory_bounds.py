"""Structural guards for issue 15's bounded memory on a file dense in terms (no sizes or
timings here: bench/hostile.py measures peak RSS). What ``check`` keeps of a file must be its
findings, not its analysis: each use's heavy parts go once it is decided, the findings share
their words, and the reading keeps per-document state compact."""

from __future__ import annotations

import json
from itertools import pairwise

from termlint.model import SourceText, Status
from termlint.pipeline import analyze_source, default_project, lint_source
from termlint.senses import evidence
from termlint.senses.evidence import FirstPass

#: Unclear uses of one term, in many blocks: every use flagged, each block indexed.
DENSE = "".join(
    f"We worry that scheming will emerge in run {n}. Some say scheming is rare.\n\n"
    for n in range(evidence.INDEXES_KEPT + 16)
)


def _source(text: str = DENSE) -> SourceText:
    return SourceText(path="dense.md", text=text)


def test_a_lean_reading_drops_each_uses_scores_and_reasons_once_decided():
    project = default_project()
    _, full, _ = analyze_source(_source(), project)
    _, lean, _ = analyze_source(_source(), project, lean=True)
    ambiguous = [o for o in full if o.status == Status.AMBIGUOUS]
    assert len(ambiguous) > 100 and any(o.scores for o in ambiguous)  # the full reading has them
    assert all(o.scores == {} and o.reasons == [] for o in lean)
    # everything the rules read is as before
    assert [(o.start, o.status, o.sense, o.candidates, o.evidence) for o in lean] == [
        (o.start, o.status, o.sense, o.candidates, o.evidence) for o in full
    ]


def test_a_lean_result_holds_no_occurrences_and_the_same_findings():
    project = default_project()
    full = lint_source(_source(), project, group="use")
    lean = lint_source(_source(), project, group="use", lean=True)
    assert full.occurrences and lean.occurrences == []
    assert len(lean.diagnostics) > 100
    assert json.dumps([d.to_json() for d in lean.diagnostics]) == json.dumps(
        [d.to_json() for d in full.diagnostics]
    )
    grouped = lint_source(_source(), project, lean=True).diagnostics
    assert json.dumps([d.to_json() for d in grouped]) == json.dumps(
        [d.to_json() for d in lint_source(_source(), project).diagnostics]
    )


def test_findings_of_like_uses_share_their_words_not_their_suggestions():
    found = lint_source(_source(), default_project(), group="use", lean=True).diagnostics
    first, second = [d for d in found if d.rule == "ambiguous-term"][:2]
    assert first.message is second.message and first.help is second.help
    assert first.suggestions == second.suggestions
    assert first.suggestions[0] is not second.suggestions[0]  # a caller may edit its own
    first.suggestions[0].text = "changed"
    assert second.suggestions[0].text != "changed"


def test_first_pass_probabilities_read_like_the_dict_they_replace():
    senses = ("a", "b", "unclear", "mention")
    probs = [0.1, 0.2, 0.3, 0.4]
    packed, plain = FirstPass(senses, probs), dict(zip(senses, probs, strict=True))
    assert list(packed.items()) == list(plain.items())
    assert dict(packed) == plain and len(packed) == 4 and list(packed) == list(plain)
    assert packed["b"] == 0.2 and packed.get("zzz", 0.0) == 0.0 and "a" in packed
    assert packed.get("mention") == plain.get("mention")


def test_a_view_keeps_only_the_latest_blocks_indexes():
    from termlint.pipeline import read_document
    from termlint.senses.resolver import DocumentResolver

    project = default_project()
    doc, analyses, occurrences = read_document(_source(), project)
    resolver = DocumentResolver(doc, analyses, project.glossary)
    view, readable, _ = resolver._first_pass(occurrences)
    assert len(readable) > evidence.INDEXES_KEPT
    assert 0 < len(view._indexes) <= evidence.INDEXES_KEPT
    # an index rebuilt after eviction is the one built first
    block = occurrences[0].block
    rebuilt = view.index(block)
    again = evidence.BlockIndex(analyses[block])
    assert rebuilt.by_sentence == again.by_sentence and rebuilt.sentences == again.sentences
    # the words around a use are read on demand, the same as read up front
    from termlint.senses.resolver import prepare_view

    _, order, eager = prepare_view(doc, analyses, project.glossary, occurrences)
    _, _, lazy = prepare_view(doc, analyses, project.glossary, occurrences, lazy_words=True)
    assert all(lazy[i] == eager[i] == lazy.pop(i) for i in order)


class _WatchedUses(list):
    """A grouped finding's related uses that note how much of the report is written each time
    the reporter takes the next one."""

    def __init__(self, items, stream):
        super().__init__(items)
        self.stream = stream
        self.written_at: list[int] = []

    def __iter__(self):
        for item in super().__iter__():
            self.written_at.append(len(self.stream.getvalue()))
            yield item


def _grouped_result():
    project = default_project()
    result = lint_source(_source(), project, lean=True)
    (grouped,) = [d for d in result.diagnostics if d.related]
    return project, result, grouped


def test_json_writes_a_grouped_findings_related_uses_one_at_a_time():
    import io

    from termlint.model import Summary
    from termlint.reporters.json import JsonReporter

    project, result, grouped = _grouped_result()
    expected = json.dumps(
        {"version": 1, "diagnostics": [d.to_json() for d in result.diagnostics]},
        indent=2,
        ensure_ascii=False,
    )
    out = io.StringIO()
    grouped.related = _WatchedUses(grouped.related, out)
    reporter = JsonReporter(out, project=project)
    reporter.file(result)
    reporter.finish(Summary(files=1))
    # the same bytes as dumping the whole report at once …
    assert out.getvalue().startswith(expected[: expected.rindex("\n  ]")])
    assert json.loads(out.getvalue())["diagnostics"] == json.loads(expected)["diagnostics"]
    # … written as the uses come: the report grows between one related use and the next
    marks = grouped.related.written_at
    assert len(marks) == len(grouped.related) > 100
    assert all(a < b for a, b in pairwise(marks))


def test_sarif_writes_a_grouped_findings_related_locations_one_at_a_time():
    import io

    from termlint.model import Summary
    from termlint.reporters.sarif import SarifReporter

    project, result, grouped = _grouped_result()
    whole = io.StringIO()
    reporter = SarifReporter(whole, project=project)
    reporter.file(result)
    reporter.finish(Summary(files=1))
    locations = next(
        r["relatedLocations"]
        for r in json.loads(whole.getvalue())["runs"][0]["results"]
        if "relatedLocations" in r
    )
    assert [loc["id"] for loc in locations] == list(range(1, len(grouped.related) + 1))
    assert locations[0]["physicalLocation"]["region"]["startLine"] == grouped.related[0].line

    class Spool(io.StringIO):
        def close(self):  # keep what was spooled readable after finish
            pass

    spool = Spool()
    reporter = SarifReporter(io.StringIO(), project=project)
    reporter.results = None
    import tempfile

    real = tempfile.TemporaryFile
    tempfile.TemporaryFile = lambda *a, **k: spool  # type: ignore[assignment]
    try:
        grouped.related = _WatchedUses(grouped.related, spool)
        reporter.file(result)
    finally:
        tempfile.TemporaryFile = real  # type: ignore[assignment]
    # the message's "and 158 more uses: lines …" reads them once before; the last pass writes
    marks = grouped.related.written_at[-len(grouped.related) :]
    assert len(grouped.related) > 100 and marks[0] > 0
    assert all(a < b for a, b in pairwise(marks))


def test_packed_records_read_back_as_the_records_they_replace():
    import pickle

    from termlint.model import CueHit, PackedCues, PackedSpans, Related, RelatedUses

    cues = [
        CueHit("scheming", "in-context-scheming", "in-context", 1.0, 10, 20, 2, 3, 0),
        CueHit("scheming", "worst-case-model", "worst case", 0.5, 40, 50, 9, 11, 1),
        CueHit("scheming", "in-context-scheming", "in-context", 1.0, 70, 80, 15, 16, 2),
    ]
    packed = PackedCues(cues)
    assert list(packed) == cues and packed == cues and len(packed) == 3
    assert packed[-1] == cues[-1] and packed[1].phrase == "worst case"
    assert pickle.loads(pickle.dumps(packed)) == cues  # another process gets the records
    spans = PackedSpans([(0, 12), (13, 40)])
    assert list(spans) == [(0, 12), (13, 40)] and spans[1] == (13, 40) and spans[-2] == (0, 12)
    uses = [Related(5, 13, 1, 6, 1, 14, "scheming"), Related(90, 98, 3, 2, 3, 10, "Scheming")]
    related = RelatedUses(uses)
    assert related == uses and uses == related and related[1:] == uses[1:]
    assert [r.to_json() for r in related] == [r.to_json() for r in uses]
    far = Related(3_000_000_000, 3_000_000_008, 1, 3_000_000_001, 1, 3_000_000_009, "scheming")
    related.append(far)  # past four bytes: the numbers move to eight-byte ones, none lost
    assert related == [*uses, far]
    for seq in (packed, spans, related):
        try:
            seq[len(seq)]
        except IndexError:
            pass
        else:
            raise AssertionError(f"{type(seq).__name__} read past its end")


def test_a_read_document_keeps_its_cues_and_sentences_packed():
    from termlint.model import PackedCues, PackedSpans
    from termlint.pipeline import read_document

    _, analyses, _ = read_document(_source(), default_project())
    with_cues = [a for a in analyses if a.cues]
    assert len(with_cues) > 50
    assert all(isinstance(a.cues, PackedCues) for a in with_cues)
    assert all(isinstance(a.sentences, PackedSpans) for a in analyses if a.sentences)


def test_the_rules_stage_folds_each_repeat_as_it_is_made(monkeypatch):
    import gc

    from termlint.model import Diagnostic
    from termlint.rules import group

    alive_at_each_add = []
    real_add = group.Grouper.add

    def add(self, d):
        alive_at_each_add.append(sum(isinstance(o, Diagnostic) for o in gc.get_objects()))
        real_add(self, d)

    monkeypatch.setattr(group.Grouper, "add", add)
    result = lint_source(_source(), default_project(), lean=True)
    assert len([d for d in result.diagnostics if d.related]) == 1
    assert len(alive_at_each_add) > 100
    # the group's first finding and the one being added, not one per use so far
    assert max(alive_at_each_add) <= 4


def test_grouping_out_of_document_order_gives_the_same_findings():
    import random

    from termlint.rules.group import group_findings

    project = default_project()
    per_use = lint_source(_source(), project, group="use")
    kinds = {r.id: r.kind for r in project.rules.values()}
    shuffled = list(per_use.diagnostics)
    random.Random(7).shuffle(shuffled)
    folded = group_findings(shuffled, kinds, per_use.occurrences, project.glossary, "document")
    expected = lint_source(_source(), project).diagnostics
    assert json.dumps([d.to_json() for d in sorted(folded, key=lambda d: d.sort_key)]) == (
        json.dumps([d.to_json() for d in expected])
    )


def test_a_lean_reading_shares_read_only_empties_until_each_use_is_decided():
    from termlint.model import NO_ITEMS, NO_SCORES
    from termlint.pipeline import read_document

    _, _, occurrences = read_document(_source(), default_project(), lean=True)
    assert all(o.evidence is NO_ITEMS and o.scores is NO_SCORES for o in occurrences)
    assert NO_ITEMS == [] and NO_SCORES == {}
    import pickle

    from termlint.model import ReadOnlyList

    copied = pickle.loads(pickle.dumps(ReadOnlyList(["a", "b"])))  # a worker sends results
    assert copied == ["a", "b"] and isinstance(copied, ReadOnlyList)
    for mutate in (lambda: NO_ITEMS.append(1), lambda: NO_ITEMS.extend([1])):
        try:
            mutate()
        except TypeError:
            pass
        else:
            raise AssertionError("a shared empty list grew")
    assert NO_ITEMS == []


def test_first_pass_table_and_positions_read_like_the_dicts_they_replace():
    from termlint.senses.evidence import FirstPassTable, Positions

    table = FirstPassTable(5)
    table[1] = FirstPass(("a", "b"), [0.25, 0.75])
    table[3] = {"a": 0.5, "a2": 0.5}  # a reading naming its senses oddly stays a dict
    table[4] = FirstPass(("a", "b"), [1.0, 0.0])
    assert list(table) == [1, 3, 4] and len(table) == 3 and 2 not in table and 7 not in table
    assert dict(table[1]) == {"a": 0.25, "b": 0.75} and table[3]["a2"] == 0.5
    assert table.get(0) is None and [dict(v) for _, v in table.items()][2] == {"a": 1.0, "b": 0.0}
    occurrences = [object() for _ in range(50)]
    positions = Positions(occurrences)  # type: ignore[arg-type]
    assert [positions.get(id(o)) for o in occurrences] == list(range(50))
    assert positions.get(id(object()), -1) == -1


def test_decided_lean_uses_that_read_alike_share_one_read_only_evidence_list():
    _, lean, _ = analyze_source(_source(), default_project(), lean=True)
    ambiguous = [o for o in lean if o.status == Status.AMBIGUOUS]
    by_words: dict = {}
    for o in ambiguous:
        by_words.setdefault(tuple(o.evidence), []).append(o)
    alike = max(by_words.values(), key=len)
    assert len(alike) > 20
    assert all(o.evidence is alike[0].evidence for o in alike)
    assert all(o.candidates is alike[0].candidates for o in alike)
    try:
        alike[0].evidence.append("one use's note")
    except TypeError:
        pass
    else:
        raise AssertionError("a shared evidence list took a note for one use")


def test_a_lean_read_drops_each_blocks_term_matches_as_it_is_read(monkeypatch):
    from termlint.pipeline import read_document
    from termlint.senses import occurrences as occ_module

    seen_kept = []
    real_add = occ_module.OccurrenceFinder.add

    def add(self, index, analysis):
        real_add(self, index, analysis)
        seen_kept.append(bool(analysis.terms))

    monkeypatch.setattr(occ_module.OccurrenceFinder, "add", add)
    _, _, found = read_document(_source(), default_project(), lean=True)
    assert len(found) > 100 and not any(seen_kept)
    _, full_analyses, full = read_document(_source(), default_project())
    assert [(o.start, o.term_id, o.mention) for o in found] == [
        (o.start, o.term_id, o.mention) for o in full
    ]
    assert sum(bool(a.terms) for a in full_analyses) > 50  # a full read keeps them


def test_a_block_waiting_for_the_documents_ai_words_keeps_its_place():
    from termlint.pipeline import read_document

    project = default_project()
    # "sycophancy" needs AI context; its first block has none, the document has plenty later
    text = (
        "Sycophancy is a worry here.\n\n"
        + "We worry that scheming will emerge once models plan.\n\n"
        + "Language models and AI systems, and a model, and the assistant.\n\n"
        + "Sycophancy again, and scheming.\n\n"
    )
    for lean in (False, True):
        _, _, found = read_document(SourceText(path="w.md", text=text), project, lean=lean)
        starts = [o.start for o in found]
        assert starts == sorted(starts)
        assert found[0].term_id == "sycophancy"


def test_a_blocks_analysis_is_one_array_read_back_as_its_lists():
    import pickle

    from termlint.model import BlockAnalysis, CueHit

    cues = [
        CueHit("scheming", "in-context-scheming", "in-context", 1.0, 10, 20, 2, 3, 0),
        CueHit("scheming", "worst-case-model", "worst case", 0.5, 40, 50, 9, 11, 1),
    ]
    spans, ai, human = [(0, 30), (31, 60)], [(4, 0), (12, 1)], [(7, 1)]
    a = BlockAnalysis(spans, cues=cues, ai_tokens=ai, human_tokens=human)
    assert a.sentences == spans and a.cues == cues and a.ai_tokens == ai
    assert a.human_tokens == human and not a.pronoun_tokens and a.terms == []
    assert a.sentences[1] == (31, 60) and a.cues[-1] == cues[-1] and a.cues[:1] == cues[:1]
    assert (
        a.sentence(1) == (31, 60)
        and a.sentence_count == 2
        and (a.ai_count, a.human_count) == (2, 1)
    )
    for bad in (2, -1):
        try:
            a.sentence(bad)
        except IndexError:
            pass
        else:
            raise AssertionError(f"sentence({bad}) read outside the sentences")
    # every section is a window of the same array: no array or wrapper kept per section
    assert a.sentences._numbers is a.cues._numbers is a.ai_tokens._numbers
    assert not hasattr(a, "__dict__")
    assert pickle.loads(pickle.dumps(a)) == a  # another process gets the records
    a.pronoun_tokens = [(1, 0)]  # setting a section repacks it; the others read the same
    assert a.pronoun_tokens == [(1, 0)] and a.cues == cues and a.human_tokens == human
    far = BlockAnalysis([(0, 3_000_000_000)])  # past four bytes: eight-byte numbers
    assert far.sentences == [(0, 3_000_000_000)]
    assert BlockAnalysis(spans, cues=cues) != BlockAnalysis(spans)


def test_an_occurrence_keeps_its_fields_in_fewer_slots():
    import pickle

    from termlint.model import OCCURRENCE_FIELDS, Occurrence

    values = {
        "term_id": "scheming",
        "match": "schemer",
        "start": 1_000_000,
        "end": 1_000_007,
        "block": 9,
        "sentence": 2,
        "token": 40,
        "in_blockquote": True,
        "in_heading": False,
        "verb": True,
        "mention": False,
        "sense": "in-context-scheming",
        "confidence": 0.75,
        "status": Status.RESOLVED,
        "evidence": ["a cue"],
        "candidates": ["x"],
        "scores": {"x": 0.5},
        "established": None,
        "defines": True,
        "text_start": 3,
        "text_end": 10,
        "agent": "ai",
        "agent_word": "model",
        "reasons": [{"kind": "cue"}],
    }
    assert set(values) == set(OCCURRENCE_FIELDS)
    occ = Occurrence(**values)
    assert {name: getattr(occ, name) for name in OCCURRENCE_FIELDS} == values
    assert len(Occurrence.__slots__) < len(OCCURRENCE_FIELDS) and not hasattr(occ, "__dict__")
    occ.mention, occ.in_blockquote, occ.end = True, False, 1_000_010
    assert occ.mention and not occ.in_blockquote and occ.verb and occ.defines
    assert (occ.start, occ.end) == (1_000_000, 1_000_010)
    twin = pickle.loads(pickle.dumps(occ))
    assert twin == occ and twin is not occ and repr(twin) == repr(occ)
    twin.defines = False
    assert twin != occ and repr(occ).startswith("Occurrence(term_id='scheming', match=")
    plain = Occurrence("scheming", "scheming", 0, 8, 0, 0, 0)
    assert (
        plain.evidence == [] and plain.evidence is not Occurrence("s", "s", 0, 1, 0, 0, 0).evidence
    )


def test_a_built_block_keeps_verbatim_prose_as_its_pieces_only():
    from termlint.document.markdown import BlockList, parse_markdown

    plain = "".join(f"Plain paragraph {n} about scheming.\n\n" for n in range(300))
    marked = "A *marked* paragraph with [a link](https://example.org).\n\n"
    doc = parse_markdown(SourceText(path="p.md", text=marked + plain))
    blocks = doc.blocks
    assert isinstance(blocks, BlockList)
    first = [(b.text, b.pieces, b.links) for b in blocks]
    assert first[0][0] == "A marked paragraph with a link." and len(first[0][2]) == 1
    assert isinstance(blocks.prose[0], tuple)  # prose that is not a run of the source
    assert all(type(p).__name__ == "array" for p in blocks.prose[1:])  # verbatim: pieces only
    assert all(raw == "" for raw in blocks.raw)  # the Markdown source is dropped once built
    assert len(blocks.recent) <= BlockList.RECENT_KEPT < len(blocks)
    # a block read again after its object was let go reads the same
    assert [(b.text, b.pieces, b.links) for b in blocks] == first
    assert blocks[5].source_offset(3) == doc.source.text.index(blocks[5].text) + 3

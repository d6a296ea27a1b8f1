"""Structural guards for the speed work of issue 16 (no timings here: those are in bench/)."""

from __future__ import annotations

import gc
import subprocess
import sys

from termlint.model import BlockAnalysis, CueHit
from termlint.pipeline import lint_text
from termlint.senses import evidence

DRAFT = (
    "# Scheming in the evals\n\n"
    "The model showed in-context scheming when the system prompt gave it a goal.[^1] "
    "Some call it *scheming*, others ^[an inline note on scheming] role-play.\n\n"
    "- Sandbagging on the capability eval, by the developer.\n"
    "- Alignment faking in the free tier.\n\n"
    "[^1]: Apollo's agentic environments, where a schemer hid its reasoning.\n"
)


def test_linting_a_document_leaves_no_cyclic_garbage():
    lint_text(DRAFT)  # warm up: glossary, analyzer and model are built once per process
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = lint_text(DRAFT)
        gc.collect()
        garbage = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert len(result.occurrences) >= 5  # the draft was really read
    assert garbage == []


def test_linting_runs_with_the_collector_off_and_restores_it():
    assert gc.isenabled()
    lint_text(DRAFT)
    assert gc.isenabled()
    gc.disable()
    try:
        lint_text(DRAFT)
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_a_serial_run_freezes_what_the_language_stage_loaded_once_and_thaws_after(tmp_path):
    # files.runner freezes the objects loaded by the first file with a term (spaCy, the
    # analyzer, the model), so the collector never rescans them; the run ends as it began.
    from termlint.pipeline import lint_paths

    for n in range(3):
        (tmp_path / f"d{n}.md").write_text(DRAFT)
    lint_text(DRAFT)  # spaCy loaded
    assert gc.get_freeze_count() == 0
    counts = [gc.get_freeze_count() for _ in lint_paths([str(tmp_path)], jobs=1)]
    assert len(counts) == 3 and min(counts) > 0  # frozen after the first file, until the end
    assert gc.get_freeze_count() == 0


def test_a_caller_that_froze_objects_keeps_them_frozen(tmp_path):
    from termlint.pipeline import lint_paths

    (tmp_path / "d.md").write_text(DRAFT)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        results = list(lint_paths([str(tmp_path)], jobs=1))
        assert results[0].diagnostics or results[0].occurrences
        assert 0 < gc.get_freeze_count() <= frozen  # neither thawed nor frozen again
    finally:
        gc.unfreeze()


def test_building_the_analyzer_in_the_command_never_imports_spacys_cli():
    code = (
        "import sys\n"
        "from termlint.nlp import analyzer as nlp\n"
        "from termlint.pipeline import load_project\n"
        "nlp.SKIP_SPACY_CLI = True\n"
        "nlp.analyzer_for(load_project().glossary)\n"
        "print(sorted(m for m in ('spacy.cli', 'typer', 'weasel', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _cue(sentence: int, start: int) -> CueHit:
    return CueHit(
        "scheming", "in-context-scheming", "in-context", 2.0, start, start + 10, 0, 1, sentence
    )


def test_block_index_groups_cues_in_the_analysis_order():
    analysis = BlockAnalysis()
    analysis.cues = [_cue(0, 0), _cue(0, 20), _cue(2, 50)]
    analysis.human_tokens = [(3, 0), (9, 2), (1, 0)]
    index = evidence.BlockIndex(analysis)
    assert index.by_sentence[("scheming", 0)] == analysis.cues[:2]
    assert index.by_term["scheming"] == analysis.cues
    assert index.sentences["scheming"] == [0, 0, 2]
    assert index.human == {0: [3, 1], 2: [9]}


def test_a_paragraph_counts_cues_only_within_its_reach():
    # One paragraph of many sentences, each with a cue and a use: a use reads the cues of
    # the sentences within PARAGRAPH_REACH of its own, not the whole paragraph's.
    sentence = "In the agentic eval, in-context scheming appeared when prompted. "
    n = evidence.PARAGRAPH_REACH * 3
    result = lint_text(sentence * n)
    assert not result.error
    from termlint.pipeline import default_project, read_document
    from termlint.senses.resolver import prepare_view

    project = default_project()
    doc, analyses, occurrences = read_document(result.source, project)
    view, _, _ = prepare_view(doc, analyses, project.glossary, occurrences)
    term = project.glossary.terms["scheming"]
    middle = occurrences[len(occurrences) // 2]
    per_sentence = len(view.index(middle.block).by_sentence[("scheming", 0)])
    assert per_sentence >= 1
    found = list(evidence.paragraph_cues(view, middle, term))
    assert len(found) == 2 * evidence.PARAGRAPH_REACH * per_sentence
    first = list(evidence.paragraph_cues(view, occurrences[0], term))
    assert len(first) == evidence.PARAGRAPH_REACH * per_sentence


def test_check_keeps_no_occurrences_in_its_cache_and_a_caller_that_wants_them_gets_them(
    tmp_path, monkeypatch
):
    from termlint.files import runner
    from termlint.pipeline import load_project
    from termlint.project.config import Config

    monkeypatch.setenv("TERMLINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "draft.md").write_text(DRAFT)
    project = load_project(config=Config(root=tmp_path))
    path = str(tmp_path / "draft.md")
    for _ in range(2):  # the second run is read from the cache
        (lean,) = runner.run_paths([path], project, keep_occurrences=False)
        assert lean.occurrences == [] and lean.error is None
    entries = list((tmp_path / "cache").rglob("results/*/*.json"))
    assert len(entries) == 1
    assert '"occurrences": []' in entries[0].read_text()
    for _ in range(2):
        (full,) = runner.run_paths([path], project)
        assert len(full.occurrences) >= 5
    assert [d.to_json() for d in full.diagnostics] == [d.to_json() for d in lean.diagnostics]
    assert len(list((tmp_path / "cache").rglob("results/*/*.json"))) == 2


def test_diagnostic_to_json_is_what_asdict_gives():
    from dataclasses import asdict

    result = lint_text("We should worry that scheming will emerge. Some say scheming is rare.\n")
    assert result.diagnostics
    for d in result.diagnostics:
        expected = asdict(d)
        del expected["start"], expected["end"], expected["text_message"]
        expected["related"] = [r.to_json() for r in d.related]
        expected["url"] = d.url or None  # no docs_url: the key holds no URL
        for s in expected["suggestions"]:
            s["url"] = s["url"] or None
        got = d.to_json()
        assert got == expected and list(got) == list(expected)
        assert got["evidence"] is not d.evidence  # a copy, as asdict makes


def test_a_file_with_no_term_never_imports_the_spacy_stage(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n\nNothing here names a glossary term.\n")
    code = (
        "import sys\n"
        "from termlint import cli, nlp\n"
        "nlp.SKIP_SPACY_CLI = True\n"
        "try:\n"
        "    cli.main(['check', 'notes.md'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('termlint.nlp.analyzer', 'spacy', 'markdown_it')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


#: A titled document of more paragraphs than the view keeps indexes for, uses in each: clear
#: ones (a cue next to the word) and unclear ones (flagged).
MANY_BLOCKS = "# Scheming in evals\n\n" + "".join(
    f"In the agentic eval, in-context scheming appeared in run {n}. Some say scheming is rare.\n\n"
    if n % 2
    else f"We worry that scheming will emerge in run {n}. Some say scheming is rare.\n\n"
    for n in range(evidence.INDEXES_KEPT + 16)
)


_BLOCK_INDEX = evidence.BlockIndex  # the real one, whatever a test patches in


def _counted_reading(monkeypatch, text: str, **kwargs):
    """Lint ``text`` as ``check`` does, counting the cue indexes built per block."""
    from termlint.model import SourceText
    from termlint.pipeline import default_project, lint_source, read_document

    built: list[int] = []

    class Counted(_BLOCK_INDEX):
        def __init__(self, analysis):
            built.append(id(analysis))
            super().__init__(analysis)

    project = default_project()
    source = SourceText(path="many.md", text=text)
    lint_source(source, project)  # warm up: the analyzer and model are built once
    monkeypatch.setattr(evidence, "BlockIndex", Counted)
    result = lint_source(source, project, **kwargs)
    monkeypatch.setattr(evidence, "BlockIndex", _BLOCK_INDEX)  # count this reading alone
    _, _, occurrences = read_document(source, project)
    return result, built, {o.block for o in occurrences}


def test_each_blocks_cue_index_is_built_once_per_reading(monkeypatch):
    # The second pass adds the document-wide evidence to what the first pass gathered, so it
    # indexes no block again; and the title, read by every use, is not evicted and rebuilt.
    _, built, with_uses = _counted_reading(monkeypatch, MANY_BLOCKS, lean=True)
    assert len(with_uses) > evidence.INDEXES_KEPT + 16  # every paragraph and the title
    assert len(built) == len(set(built)) == len(with_uses)


def test_uses_past_the_kept_evidence_read_the_same(monkeypatch):
    # Past KEPT_EVIDENCE records the second pass gathers again (memory stays bounded): the
    # readings, scores and reasons are those of a reading that kept everything.
    from termlint.senses import resolver

    kept, built_kept, _ = _counted_reading(monkeypatch, MANY_BLOCKS, group="use")
    monkeypatch.setattr(resolver, "KEPT_EVIDENCE", 40)
    capped, built_capped, blocks = _counted_reading(monkeypatch, MANY_BLOCKS, group="use")
    assert len(built_kept) == len(blocks) < len(built_capped)  # the cap was really reached
    assert len([d for d in kept.diagnostics if d.rule == "ambiguous-term"]) > 40
    assert [d.to_json() for d in capped.diagnostics] == [d.to_json() for d in kept.diagnostics]
    assert [(o.sense, o.status, o.scores, o.reasons, o.evidence) for o in capped.occurrences] == [
        (o.sense, o.status, o.scores, o.reasons, o.evidence) for o in kept.occurrences
    ]


def test_uses_past_the_kept_words_read_the_same(monkeypatch):
    # The first pass keeps each use's sorted words for the second, up to KEPT_WORDS; past it
    # the second pass reads them from the text again: the same readings, scores and reasons.
    from termlint.senses import features, resolver

    fresh: list[int] = []  # second-pass reads given words read from the text (sets)
    real = features.read

    def spy(fitted, term, found, words):
        if fitted is resolver.load_model().stage2 and isinstance(words[0], set):
            fresh.append(1)
        return real(fitted, term, found, words)

    monkeypatch.setattr(features, "read", spy)
    kept, _, _ = _counted_reading(monkeypatch, MANY_BLOCKS, group="use")
    assert not fresh  # every use's words kept: none read again
    monkeypatch.setattr(resolver, "KEPT_WORDS", 200)
    capped, _, _ = _counted_reading(monkeypatch, MANY_BLOCKS, group="use")
    assert len(fresh) > 40  # the cap was really reached (the first few uses kept theirs)
    assert [d.to_json() for d in capped.diagnostics] == [d.to_json() for d in kept.diagnostics]
    assert [(o.sense, o.status, o.scores, o.reasons, o.evidence) for o in capped.occurrences] == [
        (o.sense, o.status, o.scores, o.reasons, o.evidence) for o in kept.occurrences
    ]

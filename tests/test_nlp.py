"""The spaCy stage on its own: the lean tokenizer and what the analyzer returns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from termlint.nlp.analyzer import analyzer_for, make_tokenizer
from termlint.nlp.stems import stem
from termlint.pipeline import default_project


@pytest.fixture(scope="module")
def tokenizer():
    return make_tokenizer()


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("in-context scheming", ["in", "-", "context", "scheming"]),
        ("the schemer's goal", ["the", "schemer", "'s", "goal"]),
        ("the schemer’s goal", ["the", "schemer", "’s", "goal"]),
        ("(scheming).", ["(", "scheming", ")", "."]),
        ("'scheming'", ["'", "scheming", "'"]),
        ("anti-scheming/sandbagging evals", ["anti", "-", "scheming", "/", "sandbagging", "evals"]),
        ("don't scheme", ["don't", "scheme"]),
        (
            "see https://example.org/scheming-paper now",
            ["see", "https://example.org/scheming-paper", "now"],
        ),
        ("A--B", ["A", "--", "B"]),
    ],
)
def test_lean_tokenizer_splits_punctuation_off_words(tokenizer, text, tokens):
    assert [t.text for t in tokenizer(text)] == tokens


def test_norm_is_a_stem_and_lower_is_lowercase(tokenizer):
    doc = tokenizer("Schemers SCHEMING")
    assert [t.lower_ for t in doc] == ["schemers", "scheming"]
    assert [t.norm_ for t in doc] == [stem("schemers"), stem("scheming")]
    assert stem("schemers") != "schemers"  # NORM really is the stem, not the lowercase


def test_analyzer_finds_terms_inside_hyphenated_compounds_and_possessives():
    analyzer = analyzer_for(default_project().glossary)
    [result] = analyzer.analyze(["Anti-scheming training and a schemer's plans."])
    found = [
        ("Anti-scheming training and a schemer's plans."[h.start : h.end], h.term_id)
        for h in result.terms
    ]
    assert ("scheming", "scheming") in found
    assert ("schemer", "scheming") in found


def _run(code: str) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.strip()


def test_the_command_loads_spacy_without_its_cli_and_spacy_cli_still_works():
    out = _run(
        "import sys\n"
        "from termlint.nlp import analyzer as nlp\n"
        "nlp.SKIP_SPACY_CLI = True\n"
        "tok = nlp.make_tokenizer()\n"
        "print([t.text for t in tok('in-context scheming')],\n"
        "      'spacy.cli' in sys.modules, 'typer' in sys.modules, 'weasel' in sys.modules)\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download))\n"
    )
    assert out.splitlines() == ["['in', '-', 'context', 'scheming'] False False False", "True"]


def test_a_spacy_that_needs_its_cli_at_import_is_imported_the_ordinary_way():
    # A stand-in without what spacy/__init__ takes from it makes that import fail.
    out = _run(
        "import sys, types\n"
        "from termlint.nlp import analyzer as nlp\n"
        "nlp.SKIP_SPACY_CLI = True\n"
        "broken = types.ModuleType('spacy.cli'); broken.__path__ = []\n"
        "nlp._cli_stand_ins = lambda: {'spacy.cli': broken,\n"
        "                              'spacy.cli.info': types.ModuleType('spacy.cli.info')}\n"
        "tok = nlp.make_tokenizer()\n"
        "import spacy\n"
        "print([t.text for t in tok('a schemer')], 'typer' in sys.modules,\n"
        "      sys.modules['spacy.cli'] is not broken, callable(spacy.info))\n"
    )
    assert out == "['a', 'schemer'] True True True"


def test_library_users_get_the_ordinary_spacy_import():
    out = _run(
        "import sys\nfrom termlint.nlp import analyzer as nlp\nnlp.make_tokenizer()\n"
        "print('spacy.cli' in sys.modules)\n"
    )
    assert out == "True"


def test_pronouns_match_as_written_not_by_stem():
    analyzer = analyzer_for(default_project().glossary)
    [result] = analyzer.analyze(["The worry here is that her plan, and hers, were his."])
    words = "The worry here is that her plan , and hers , were his .".split()
    assert [words[t] for t, _ in result.pronoun_tokens] == ["her", "hers", "his"]


def test_the_analyzer_is_built_once_per_glossary_and_kept_with_it():
    from termlint.pipeline import load_project

    glossary = default_project().glossary
    assert analyzer_for(glossary) is analyzer_for(glossary)
    other = load_project(use_cache=False).glossary  # an equal glossary, another object
    assert analyzer_for(other) is not analyzer_for(glossary)
    assert other._derived["analyzer"] is analyzer_for(other)


def test_a_cue_inside_a_longer_cue_of_its_term_is_dropped_and_packing_keeps_the_rest():
    from termlint.model import CueHit, PackedCues, cue_kind
    from termlint.nlp.analyzer import _longest_cues

    long_a = cue_kind("term-a", "s1", "in-context evals", 1.5)
    short_a = cue_kind("term-a", "s1", "evals", 0.5)
    again_a = cue_kind("term-a", "s1", "in context evals", 1.5)
    short_b = cue_kind("term-b", "s2", "evals", 0.5)
    rows = [
        (short_b, 11, 16, 2, 3, 0),
        (long_a, 0, 16, 0, 3, 0),
        (short_a, 11, 16, 2, 3, 0),  # inside "in-context evals" of the same term: dropped
        (again_a, 0, 16, 0, 3, 0),  # the same span and sense again: the last phrase stays
        (short_a, 20, 25, 4, 5, 1),
    ]
    kept = _longest_cues(rows)
    assert kept == [
        (again_a, 0, 16, 0, 3, 0),
        (short_b, 11, 16, 2, 3, 0),
        (short_a, 20, 25, 4, 5, 1),
    ]
    packed = PackedCues.from_rows(kept)
    assert list(packed) == [
        CueHit("term-a", "s1", "in context evals", 1.5, 0, 16, 0, 3, 0),
        CueHit("term-b", "s2", "evals", 0.5, 11, 16, 2, 3, 0),
        CueHit("term-a", "s1", "evals", 0.5, 20, 25, 4, 5, 1),
    ]
    assert PackedCues(list(packed)) == packed and packed[2] == list(packed)[2]


def test_a_pickled_analyzer_renumbers_its_cues_in_the_process_that_reads_it():
    analyzer = analyzer_for(default_project().glossary)
    analyzer.analyze(["In-context scheming evals need training data."])
    assert analyzer._cue_kinds
    state = analyzer.__getstate__()
    assert state["_cue_kinds"] == {} and state["keys"] is analyzer.keys


@given(st.text(alphabet=" \t\n.!?…\"')(A1a*_e.gJ", max_size=60))
@settings(max_examples=300, deadline=None)
def test_the_first_sentence_starts_at_zero_so_a_bisect_needs_no_floor(text):
    # The analyzer finds a match's sentence with a bare bisect of the sentence starts
    # (Analyzer._collect): right only while the first sentence starts at offset 0.
    from termlint.nlp.sentences import sentence_bounds

    spans = sentence_bounds(text)
    assert spans and spans[0][0] == 0


def test_each_hit_records_the_sentence_that_holds_it():
    # Cues, terms and agent words all carry their sentence (bisected in _collect): checked
    # against the sentences' own bounds, in a block with several of each.
    analyzer = analyzer_for(default_project().glossary)
    text = (
        "The model was scheming. In-context scheming evals ran! Did the employee scheme? "
        "The AI lab, e.g. Anthropic, said his model schemes. Last: the schemer."
    )
    [result] = analyzer.analyze([text])
    bounds = list(result.sentences)
    assert len(bounds) == 5

    def holds(sentence, offset):
        return bounds[sentence][0] <= offset < bounds[sentence][1]

    assert result.terms and all(holds(h.sentence, h.start) for h in result.terms)
    assert len(result.cues) >= 2 and all(holds(c.sentence, c.start) for c in result.cues)
    agents = [*result.ai_tokens, *result.human_tokens, *result.pronoun_tokens]
    assert {s for _, s in agents} >= {2, 3}


_WORDS = st.sampled_from(
    [
        "scheming",
        "schemer's",
        "in-context",
        "evals",
        "the",
        "model",
        "AI",
        "lab",
        "her",
        "Ponzi",
        "scheme",
        "alignment",
        "faking",
        "(",
        ")",
        ".",
        "'",
        "“",
        " ",
        "  ",
        "\n",
        "\u00a0",
        "\t",
    ]
)


@given(st.lists(st.lists(_WORDS, max_size=12).map(" ".join), max_size=8))
@settings(max_examples=200, deadline=None)
def test_blocks_analysed_together_read_as_each_analysed_alone(texts):
    # each_analysis tokenises consecutive blocks as one Doc (blank lines between them) and
    # reads each match back as its own block's: nothing may cross from one block to the next
    # (a phrase, a context word, an offset), and edge whitespace sends a block off alone.
    analyzer = analyzer_for(default_project().glossary)
    alone = [analyzer._analyze_doc(analyzer.tokenizer(t), t) for t in texts]
    assert list(analyzer.each_analysis(texts)) == alone


def test_blocks_are_joined_in_bounded_docs(monkeypatch):
    # A long document's blocks go to spaCy in Docs of about JOINED_CHARS, never all at once.
    from termlint.nlp import analyzer as module

    analyzer = analyzer_for(default_project().glossary)
    seen = []
    tokenizer = analyzer.tokenizer

    class Counting:
        def __call__(self, text):
            seen.append(len(text))
            return tokenizer(text)

        def __getattr__(self, name):
            return getattr(tokenizer, name)

    texts = ["The AI lab saw in-context scheming in evals."] * 40
    want = analyzer.analyze(texts)
    monkeypatch.setattr(module, "JOINED_CHARS", 200)
    monkeypatch.setattr(analyzer, "tokenizer", Counting())
    assert analyzer.analyze(texts) == want
    assert len(seen) > 5 and max(seen) < 200 + 2 * len(texts[0]) + 4

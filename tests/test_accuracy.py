"""Accuracy guards for the learned sense reader (numbers and their history: docs/accuracy.md).

The guards are on the splits choices are made on (v2 dev and dev-b) and on data the model is
trained on (fit, not estimates). The blind sets (v2 blind-a to blind-f; v1
heldout, fresh, blind4) are never asserted on: they are scored once, for the report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from termlint.evaluation.corpus import load_corpus
from termlint.evaluation.evaluate import evaluate, evaluate_corpus, load_items

LABELLED = Path(__file__).parent / "labelled"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dev_scores(project):
    return evaluate_corpus(load_corpus(("dev",)), project)


def test_dev_flags_and_senses_do_not_regress(dev_scores):
    # chosen on dev: the learned reader against the hand-tuned one's 0.225 F1 / 0.614 here;
    # the second version (clarity flag, per-term thresholds) reaches 0.383 / 0.747; the third
    # (definitions: paragraph scope, more document-level shapes, unclear uses after a
    # passage's definition flagged) 0.457 / 0.757; the fourth ("a reader could not tell" reads
    # only the words next to the use) 0.468 / 0.771, precision 0.397 -> 0.550; the fifth (a
    # definition's reading gives way to a sense holding most of the mass) 0.468 / 0.782; the
    # sixth (more words for people, retrained) 0.457 / 0.782: one right flag fewer, two wrong
    assert dev_scores.f1 >= 0.45, dev_scores.errors[:20]
    assert dev_scores.precision >= 0.52, dev_scores.errors[:20]
    assert dev_scores.sense_accuracy >= 0.775, dev_scores.errors[:20]


def test_the_second_dev_set_does_not_regress(project):
    # dev-b (2026-12-03; never fitted on): the fourth version 0.306 / 0.742, the fifth 0.306 /
    # 0.760 (it was chosen on dev and pipeline CV before dev-b was read), the sixth 0.286 /
    # 0.770 with everyday uses flagged 9 -> 3 of 84
    scores = evaluate_corpus(load_corpus(("dev-b",)), project)
    assert scores.f1 >= 0.27, scores.errors[:20]
    assert scores.sense_accuracy >= 0.76, scores.errors[:20]
    assert scores.non_ai_flagged <= 0.06 * scores.non_ai_total
    assert scores.mention_flagged <= 0.05 * scores.mention_total


def test_dev_mentions_and_everyday_uses_are_rarely_flagged(dev_scores):
    # the second version flags 4 of 104 mentions and 1 of 26 everyday uses here (the third 5
    # and 2, the fourth 2 and 0)
    assert dev_scores.mention_flagged <= 0.06 * dev_scores.mention_total
    assert dev_scores.non_ai_flagged <= 0.08 * dev_scores.non_ai_total
    assert dev_scores.missing_occurrences <= 20


@pytest.mark.parametrize(
    ("split", "f1", "sense_accuracy"),
    [("dev", 0.80, 0.85), ("dev2", 0.75, 0.85), ("blind3", 0.70, 0.80)],
)
def test_the_first_sets_trained_on_are_fitted(project, split, f1, sense_accuracy):
    scores = evaluate(load_items(LABELLED, split), project)
    assert scores.f1 >= f1, scores.errors[:20]
    assert scores.sense_accuracy >= sense_accuracy, scores.errors[:20]


def test_strictness_moves_the_flag(project):
    import dataclasses

    flags = {}
    for level in ("relaxed", "normal", "strict"):
        p = dataclasses.replace(
            project, config=dataclasses.replace(project.config, strictness=level)
        )
        s = evaluate_corpus(load_corpus(("dev",))[:60], p)
        flags[level] = s.flagged_true + s.flagged_false
    assert flags["relaxed"] <= flags["normal"] <= flags["strict"]
    assert flags["relaxed"] < flags["strict"]


def test_the_training_command_reproduces_the_shipped_model():
    """`python -m termlint.senses.train --check` rebuilds the model from the labelled data
    (seeded) and compares it, weight by weight, with termlint/data/sense-model.json."""
    out = subprocess.run(
        [sys.executable, "-m", "termlint.senses.train", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "reproduced" in out.stdout

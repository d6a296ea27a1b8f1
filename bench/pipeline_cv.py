"""Pipeline cross-validation: lint each v2 ``train`` document with fold models that never saw it.

Model CV (what ``python -m termlint.senses.train`` prints) scores out-of-fold readings by the
model's own decision, without declarations, definitions or the rules. Pipeline CV runs the whole
pipeline instead — ``lint_text``, the resolver's definitions and ``decide`` — on each v2 train
document, with both passes fitted on the other folds (the same folds, seed and fits as
``train.py``), at the shipped model's thresholds; scored like ``termlint evaluate``.

    python bench/pipeline_cv.py                 # fit the fold models, lint, print the table
    python bench/pipeline_cv.py --models DIR    # keep the fold models in DIR and reuse them

``--models`` keeps the fold models for a second look at the same state (``--errors``, other
splits to score): the directory is keyed by a digest of the labelled data, the glossary, the
word lists and termlint's code, so any change refits.
Several minutes on two cores without kept models; about a minute with them.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from termlint.evaluation import evaluate as ev  # noqa: E402
from termlint.evaluation.corpus import glossary_examples, load_corpus, load_v1  # noqa: E402
from termlint.pipeline import load_project  # noqa: E402
from termlint.senses import resolver, train  # noqa: E402
from termlint.senses.learn import Example, folds  # noqa: E402
from termlint.senses.weights import SenseModel, load_model  # noqa: E402


def data_digest() -> str:
    """What the fold models depend on: what the fit reads (the first set's files, the v2 train
    split), the glossary, the word lists and termlint's code."""
    labelled = ROOT / "tests" / "labelled"
    paths = [*labelled.glob("*.yaml"), *(labelled / "v2" / "train").glob("*.yaml")]
    paths += (ROOT / "glossary").rglob("*.yaml")
    # and the code: any change to how text is read or features are built changes the fit
    # (a decision-only change refits too — a minute — rather than trust a stale model)
    paths += (ROOT / "termlint").rglob("*.py")
    paths.append(ROOT / "termlint" / "data" / "lexicon.yaml")
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def fold_models(project, keep: Path | None, log=print) -> tuple[list[SenseModel], dict[str, int]]:
    train_items = load_corpus(splits=("train",)) + [
        it for split in train.V1_TRAIN for it in load_v1(split)
    ]
    train_items += glossary_examples(project.glossary)
    docs = train.prepare(train_items, project)
    ids = [d.id for d in docs]
    groups = folds([Example([], [], [], group=i) for i in ids], train.FOLDS, train.SEED)
    fold_of = {ids[i]: k for k, members in enumerate(groups) for i in members}
    shipped = load_model()
    models = []
    for k in range(train.FOLDS):
        cached = keep / f"fold-{k}.pickle" if keep else None
        if cached and cached.exists():
            models.append(pickle.loads(cached.read_bytes()))
            continue
        log(f"fold {k + 1} of {train.FOLDS}: fitting on the other folds")
        stage1, stage2, _ = train.train([d for d in docs if fold_of[d.id] != k], log=log)
        model = SenseModel(
            stage1,
            stage2,
            thresholds=dict(shipped.thresholds),
            inconsistent=shipped.inconsistent,
            term_shift=dict(shipped.term_shift),
        )
        models.append(model)
        if cached:
            cached.write_bytes(pickle.dumps(model))
    return models, fold_of


def add(total: ev.Scores, part: ev.Scores) -> None:
    """Fold one fold's scores into the total (counts add; per-term and per-sense counters too)."""
    for name, value in vars(part).items():
        mine = getattr(total, name)
        if isinstance(value, int):
            setattr(total, name, mine + value)
        elif isinstance(value, list):
            mine.extend(value)
        elif isinstance(value, dict) and not isinstance(value, Counter):
            for key, counts in value.items():
                mine.setdefault(key, Counter()).update(counts)
        else:
            mine.update(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, help="keep and reuse the fold models here")
    parser.add_argument("--per-sense", action="store_true", help="add the per-sense table")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="add the N commonest confusions"
    )
    parser.add_argument(
        "--score-without",
        default="",
        metavar="AUTHORS",
        help="comma-separated writers whose documents are fitted on but not scored (to compare "
        "a fit with more data on the same documents as before)",
    )
    args = parser.parse_args(argv)
    skip = tuple(f"{a}-" for a in args.score_without.split(",") if a)
    project = load_project()
    keep = None
    if args.models:
        keep = args.models / data_digest()
        keep.mkdir(parents=True, exist_ok=True)
    models, fold_of = fold_models(project, keep)
    shipped = load_model()
    total = ev.Scores()
    for k, model in enumerate(models):
        # The decision's numbers that are not fitted come from the shipped file, as in `check`.
        model.thresholds, model.term_shift = dict(shipped.thresholds), dict(shipped.term_shift)
        for name in ("inconsistent", "inconsistent_defined"):
            if hasattr(shipped, name):
                setattr(model, name, getattr(shipped, name))
        items = [
            it
            for it in load_corpus(splits=("train",))
            if fold_of.get(it.id) == k and not it.id.startswith(skip or ("\0",))
        ]
        resolver.load_model = lambda model=model: model  # the resolver's default model
        add(total, ev.evaluate_corpus(items, project))
    print(ev.report(total, "pipeline CV (v2 train, fold models)", per_sense=args.per_sense))
    for (gold, read), n in total.confusion.most_common(args.errors):
        if gold != read:
            print(f"{n:5}  {gold} read as {read}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Learning how evidence combines: a conditional logit over a term's senses, in numpy.

Each labelled use is one *example*: the candidate senses of its term, a feature dict per
candidate (built by :mod:`termlint.senses.features` from the typed evidence and the words around
the use), and a target distribution over the candidates — all of it on the sense a reader named,
or spread evenly over the AI senses where readers could not tell (``ambiguous``), so that the
model learns to be unsure where a careful reader is. The score of a candidate is ``w · x``; a
softmax within each example gives the probability per sense. Training minimises the weighted
cross-entropy plus an L2 penalty by full-batch Adam from zero: deterministic, seeded only
through the fold assignment, and a few seconds on two cores.

Nothing here knows about Markdown or spaCy: plain examples in, plain weights out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul

import numpy as np


@dataclass
class Example:
    """One labelled use: candidates, their features and the target distribution."""

    candidates: list[str]
    features: list[dict[str, float]]
    target: list[float]
    weight: float = 1.0
    group: str = ""  # the document it came from: folds never split a document
    label: str = ""  # the gold label as written (a sense id or "ambiguous")
    term: str = ""


@dataclass
class Fitted:
    """Learned weights: feature name → weight, and the softmax temperature."""

    weights: dict[str, float]
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)
    #: Tables compiled from the weights by whoever scores with them (features.tables).
    compiled: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def scores(self, features: Sequence[dict[str, float]]) -> list[float]:
        # sum(w.get(k, 0.0) * v for k, v in f.items()), the same products summed in the same
        # order, without a Python frame per feature
        get = self.weights.get
        return [sum(map(mul, map(get, f, repeat(0.0)), f.values())) for f in features]

    def probabilities(self, features: Sequence[dict[str, float]]) -> list[float]:
        return self.calibrated(self.scores(features))

    def calibrated(self, scores: Sequence[float]) -> list[float]:
        """Scores to probabilities: the softmax at the model's temperature."""
        return softmax([s / self.temperature for s in scores])


def softmax(scores: Sequence[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


class _Design:
    """Examples as flat arrays: one row per (example, candidate), sparse features."""

    def __init__(self, examples: Sequence[Example], index: dict[str, int]):
        rows, cols, vals = [], [], []
        starts = [0]
        targets, weights = [], []
        r = 0
        for ex in examples:
            for feats, t in zip(ex.features, ex.target, strict=True):
                for name, value in feats.items():
                    j = index.get(name)
                    if j is not None and value:
                        rows.append(r)
                        cols.append(j)
                        vals.append(value)
                targets.append(t)
                weights.append(ex.weight)
                r += 1
            starts.append(r)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.vals = np.asarray(vals, dtype=np.float64)
        self.n_rows = r
        self.n_features = len(index)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.group_of_row = np.repeat(np.arange(len(examples)), np.diff(self.starts))
        self.targets = np.asarray(targets, dtype=np.float64)
        self.row_weights = np.asarray(weights, dtype=np.float64)

    def scores(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=self.vals * w[self.cols], minlength=self.n_rows)

    def probabilities(self, s: np.ndarray) -> np.ndarray:
        top = np.full(len(self.starts) - 1, -np.inf)
        np.maximum.at(top, self.group_of_row, s)
        e = np.exp(s - top[self.group_of_row])
        z = np.bincount(self.group_of_row, weights=e, minlength=len(self.starts) - 1)
        return e / z[self.group_of_row]


def fit(
    examples: Sequence[Example],
    l2: float = 1.0,
    iterations: int = 400,
    learning_rate: float = 0.05,
    min_count: int = 2,
    unpenalised_prefixes: tuple[str, ...] = (),
) -> Fitted:
    """Fit weights on examples; features seen in fewer than ``min_count`` examples are dropped."""
    counts: dict[str, int] = {}
    for ex in examples:
        seen = {k for f in ex.features for k, v in f.items() if v}
        for k in seen:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= min_count)
    index = {k: i for i, k in enumerate(names)}
    design = _Design(examples, index)
    penalty = np.full(len(names), l2, dtype=np.float64)
    for i, k in enumerate(names):
        if k.startswith(unpenalised_prefixes):
            penalty[i] = l2 * 0.01
    total_weight = sum(ex.weight for ex in examples) or 1.0
    w = np.zeros(len(names))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, iterations + 1):
        p = design.probabilities(design.scores(w))
        residual = (p - design.targets) * design.row_weights
        grad = (
            np.bincount(
                design.cols, weights=design.vals * residual[design.rows], minlength=len(names)
            )
            / total_weight
        )
        grad += penalty * w / total_weight
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        m_hat = m / (1 - beta1**step)
        v_hat = v / (1 - beta2**step)
        w -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    # Four decimals and no weight under 1e-3: the shipped file stays small, the readings the same
    weights = {k: float(round(w[i], 4)) for k, i in index.items() if abs(w[i]) >= 1e-3}
    return Fitted(weights)


def log_loss(model: Fitted, examples: Sequence[Example]) -> float:
    total = 0.0
    weight = 0.0
    for ex in examples:
        p = model.probabilities(ex.features)
        total -= ex.weight * sum(
            t * math.log(max(q, 1e-12)) for t, q in zip(ex.target, p, strict=True)
        )
        weight += ex.weight
    return total / weight if weight else 0.0


def folds(examples: Sequence[Example], k: int, seed: int = 0) -> list[list[int]]:
    """k folds of example indices; all examples of one document stay in one fold."""
    groups = sorted({ex.group for ex in examples})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % k for i, g in enumerate(groups)}
    out: list[list[int]] = [[] for _ in range(k)]
    for i, ex in enumerate(examples):
        out[fold_of[ex.group]].append(i)
    return out


def cross_validated_scores(
    examples: Sequence[Example], fold_of: dict[str, int], models: Sequence[Fitted]
) -> list[list[float]]:
    """Out-of-fold raw scores: each example scored by the model that did not see its document."""
    return [models[fold_of[ex.group]].scores(ex.features) for ex in examples]


def fit_temperature(examples: Sequence[Example], scores: Sequence[Sequence[float]]) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold scores on clear uses
    (calibration is about how often the sense read is right)."""
    best, best_loss = 1.0, float("inf")
    for t in [x / 20 for x in range(10, 61)]:
        loss = 0.0
        for ex, s in zip(examples, scores, strict=True):
            if ex.label == "ambiguous" or ex.label.startswith("disputed"):
                continue
            p = softmax([x / t for x in s])
            loss -= sum(tt * math.log(max(q, 1e-12)) for tt, q in zip(ex.target, p, strict=True))
        if loss < best_loss:
            best, best_loss = t, loss
    return best

"""The learned sense model that ships in the wheel: weights, temperatures and thresholds.

``termlint/data/sense-model.json`` is written by ``python -m termlint.senses.train`` (seeded,
from the labelled data in ``tests/labelled/``) and read here on first use — never for a file
without a glossary term. Every number that decides a reading is in it, learned or chosen on dev
data; see docs/accuracy.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import TermlintError
from .learn import Fitted

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "sense-model.json"
STRICTNESS = ("strict", "normal", "relaxed")


@dataclass
class SenseModel:
    """Two passes of weights and the decision's thresholds."""

    stage1: Fitted
    stage2: Fitted
    #: Flag a use when its clarity (decide.clarity: the best sense family against "a reader
    #: could not tell") is below this, per strictness.
    thresholds: dict[str, float] = field(
        default_factory=lambda: {"strict": 0.8, "normal": 0.65, "relaxed": 0.5}
    )
    #: A use reads as another sense than the document set when that sense has this much.
    inconsistent: float = 0.85
    #: The same for a sense read from the author's own definition in the text: a reading of a
    #: definition can be wrong, so a rival sense wins with less (chosen on pipeline CV and dev;
    #: docs/accuracy.md, fifth version). A file without it uses ``inconsistent``.
    inconsistent_defined: float = 0.5
    #: Per term: how far its threshold sits from the strictness's (chosen on cross-validation:
    #: each term's best-F1 threshold out of fold, less the best one for all terms together).
    term_shift: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def threshold(self, strictness: str, term_id: str | None = None) -> float:
        if strictness not in self.thresholds:
            raise TermlintError(
                f"unknown strictness {strictness!r} (known: {', '.join(STRICTNESS)})"
            )
        return shifted(self.thresholds[strictness], self.term_shift.get(term_id or "", 0.0))

    def to_json(self) -> dict:
        return {
            "version": 1,
            "meta": self.meta,
            "thresholds": self.thresholds,
            "inconsistent": self.inconsistent,
            "inconsistent_defined": self.inconsistent_defined,
            "term_shift": dict(sorted(self.term_shift.items())),
            "stage1": {
                "temperature": self.stage1.temperature,
                "weights": dict(sorted(self.stage1.weights.items())),
            },
            "stage2": {
                "temperature": self.stage2.temperature,
                "weights": dict(sorted(self.stage2.weights.items())),
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> SenseModel:
        return cls(
            stage1=Fitted(dict(data["stage1"]["weights"]), float(data["stage1"]["temperature"])),
            stage2=Fitted(dict(data["stage2"]["weights"]), float(data["stage2"]["temperature"])),
            thresholds={k: float(v) for k, v in data["thresholds"].items()},
            inconsistent=float(data["inconsistent"]),
            inconsistent_defined=float(data.get("inconsistent_defined", data["inconsistent"])),
            term_shift={k: float(v) for k, v in data.get("term_shift", {}).items()},
            meta=dict(data.get("meta", {})),
        )

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def shifted(threshold: float, shift: float) -> float:
    """A strictness's threshold moved by a term's shift, kept inside (0, 1)."""
    return min(0.99, max(0.01, threshold + shift))


def write_model(model: SenseModel, path: Path = MODEL_PATH) -> None:
    text = json.dumps(model.to_json(), indent=0, sort_keys=False, ensure_ascii=False)
    from ..files.atomic import replace_file

    replace_file(path, (text + "\n").encode("utf-8"), temporary=path.with_suffix(".tmp"))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> SenseModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SenseModel.from_json(data)
    except FileNotFoundError:
        raise TermlintError(
            "the sense model is missing; rebuild it with `python -m termlint.senses.train`",
            str(path),
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise TermlintError(
            f"the sense model is unreadable ({exc}); rebuild it with "
            "`python -m termlint.senses.train`",
            str(path),
        ) from None

"""The line model: keep, or which spam label, for every raw line of a page.

One multinomial logistic regression over ``app.core.line_features`` (a few dozen dense
features and hashed words), trained by full-batch gradient descent (Adam, L2) in numpy,
each line weighted by the square root of its non-whitespace characters so long article
lines count more, as they do in character F1. It is the model of the learned cleaner
(``learned:MODEL``) and of learned suggestions alike: ``train`` on labelled pages
(``app.line_trainer.train_from_label_file`` does it from a label file, in a helper process
if need be), ``classify_page`` one page given an alignment (a base cleaner's, or the
document's stored one, for suggestions on the cleaner's drops and misses).

The model file is JSON (``MODEL_FORMAT``, ``MODEL_VERSION``): classes, feature scaling,
weights and what it was trained on, with a SHA-256 of its own contents. Loading parses
JSON and checks every field's type, shape and range and the checksum; it never executes
anything, and an edited or damaged file is refused with the reason.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.alignment import Segment
from app.core.line_features import (
    FEATURE_COUNT,
    FEATURE_VERSION,
    KEEP,
    Line,
    kept_shares,
    line_features,
    page_lines,
)

MODEL_FORMAT = "thresher-line-model"
MODEL_VERSION = 1
MAX_MODEL_BYTES = 32 * 1024 * 1024
_KEYS = frozenset(
    {"format", "version", "features", "base_cleaner", "classes", "mean", "scale"}
    | {"weights", "bias", "trained", "sha256"}
)
Matrix = npt.NDArray[np.float64]
Single = npt.NDArray[np.float32]


class ModelRefused(ValueError):
    """A model file that is not a usable line model (damaged, edited, other version)."""


@dataclass(frozen=True)
class PageExample:
    """One labelled page as training sees it: feature rows, labels, character weights."""

    rows: list[list[float]]
    labels: list[str]
    weights: list[float]


@dataclass(frozen=True)
class LineModel:
    """A trained line classifier and the base cleaner whose output it corrects."""

    classes: tuple[str, ...]
    base_cleaner: str
    mean: Matrix
    scale: Matrix
    weights: Matrix  # classes x features
    bias: Matrix
    trained: dict[str, Any] = field(default_factory=dict)

    def predict(self, rows: Sequence[Sequence[float]]) -> list[str]:
        """The class of each feature row."""
        if not rows:
            return []
        scores = self._standard(rows) @ self.weights.T + self.bias
        return [self.classes[int(i)] for i in np.argmax(scores, axis=1)]

    def _standard(self, rows: Sequence[Sequence[float]]) -> Matrix:
        matrix = np.asarray(rows, dtype=np.float64)
        return (matrix - self.mean) / self.scale


def page_example(
    raw_text: str, segments: Sequence[Segment]
) -> tuple[list[Line], list[list[float]]]:
    """The non-blank lines of a page and their feature rows, given the base alignment."""
    lines = page_lines(raw_text)
    return lines, line_features(lines, kept_shares(lines, segments))


def classify_page(
    model: LineModel, raw_text: str, segments: Sequence[Segment]
) -> list[tuple[Line, str]]:
    """Each non-blank line of a page with the model's label for it (``keep`` or spam)."""
    lines, rows = page_example(raw_text, segments)
    return list(zip(lines, model.predict(rows), strict=True))


def char_weight(line: Line) -> float:
    """How much a line counts in training: the root of its non-whitespace characters."""
    return math.sqrt(max(1, sum(map(len, line.text.split()))))


def train(
    examples: Sequence[PageExample],
    base_cleaner: str,
    *,
    epochs: int = 300,
    l2: float = 1e-2,
    rate: float = 0.05,
) -> LineModel:
    """Fit the model on labelled pages (at least two classes among their lines).

    Raises:
        ValueError: fewer than two classes, or no lines at all.
    """
    rows = [row for example in examples for row in example.rows]
    labels = [label for example in examples for label in example.labels]
    classes = (KEEP, *sorted(set(labels) - {KEEP}))
    if len(rows) == 0 or len(set(labels)) < 2:
        raise ValueError(
            f"too few labels to learn from: {len(rows)} lines, classes {sorted(set(labels))}"
        )
    x = np.asarray(rows, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    # Fitted in single precision: four times faster, and the model needs no more.
    x32 = ((x - mean) / scale).astype(np.float32)
    index = {name: i for i, name in enumerate(classes)}
    y = np.zeros((len(labels), len(classes)), dtype=np.float32)
    y[np.arange(len(labels)), [index[label] for label in labels]] = 1.0
    w = np.asarray([weight for example in examples for weight in example.weights])
    w32 = (w / w.sum()).astype(np.float32)
    weights, bias = _fit(x32, y, w32, epochs=epochs, l2=l2, rate=rate)
    return LineModel(
        classes, base_cleaner, mean, scale, weights.astype(np.float64), bias.astype(np.float64)
    )


def _fit(
    x: Single, y: Single, w: Single, *, epochs: int, l2: float, rate: float
) -> tuple[Single, Single]:
    """Weighted softmax regression by Adam; deterministic (zeros to start, full batch)."""
    weights = np.zeros((y.shape[1], x.shape[1]), dtype=x.dtype)
    bias = np.zeros(y.shape[1], dtype=x.dtype)
    moments = [np.zeros_like(weights), np.zeros_like(bias)]
    squares = [np.zeros_like(weights), np.zeros_like(bias)]
    for step in range(1, epochs + 1):
        logits = x @ weights.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        error = (probabilities - y) * w[:, None]
        grads = [error.T @ x + l2 * weights, error.sum(axis=0)]
        steps = []
        for i, grad in enumerate(grads):
            moments[i] = 0.9 * moments[i] + 0.1 * grad
            squares[i] = 0.999 * squares[i] + 0.001 * grad**2
            corrected = moments[i] / (1 - 0.9**step)
            steps.append(rate * corrected / (np.sqrt(squares[i] / (1 - 0.999**step)) + 1e-8))
        weights -= steps[0]
        bias -= steps[1]
    return weights, bias


# --- the file --------------------------------------------------------------------------


def model_json(model: LineModel) -> str:
    """The model file's text: JSON with a checksum of everything else in it."""
    body: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "features": FEATURE_VERSION,
        "base_cleaner": model.base_cleaner,
        "classes": list(model.classes),
        "mean": model.mean.tolist(),
        "scale": model.scale.tolist(),
        "weights": model.weights.tolist(),
        "bias": model.bias.tolist(),
        "trained": model.trained,
    }
    body["sha256"] = _checksum(body)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def save_model(model: LineModel, path: Path) -> None:
    """Write the model file (through a temporary file, so a reader never sees half)."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_text(model_json(model), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _checksum(body: dict[str, Any]) -> str:
    text = json.dumps(
        {key: value for key, value in body.items() if key != "sha256"},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_model(path: Path) -> LineModel:
    """Read and check a model file.

    Raises:
        ModelRefused: unreadable, too large, not JSON, another format or version, a field
            of the wrong type or shape, or contents that do not match the checksum.
    """
    try:
        size = path.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise ModelRefused(f"{path}: {size} bytes is too large for a line model")
        body = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise ModelRefused(f"{path}: cannot read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelRefused(f"{path}: not a line model (not JSON)") from None
    return _model_from(path, body)


def _model_from(path: Path, body: Any) -> LineModel:
    if not isinstance(body, dict) or body.get("format") != MODEL_FORMAT:
        raise ModelRefused(f"{path}: not a line model (no format {MODEL_FORMAT!r})")
    if body.get("version") != MODEL_VERSION or body.get("features") != FEATURE_VERSION:
        raise ModelRefused(
            f"{path}: model version {body.get('version')!r}, features {body.get('features')!r};"
            f" this thresher reads version {MODEL_VERSION}, features {FEATURE_VERSION}"
        )
    if set(body) != _KEYS:
        raise ModelRefused(f"{path}: unexpected fields {sorted(set(body) ^ _KEYS)}")
    if body["sha256"] != _checksum(body):
        raise ModelRefused(f"{path}: contents do not match the checksum (edited or damaged)")
    classes = body["classes"]
    if (
        not isinstance(classes, list)
        or KEEP not in classes
        or len(set(classes)) != len(classes)
        or not all(isinstance(name, str) and name for name in classes)
    ):
        raise ModelRefused(f"{path}: classes must be distinct names including {KEEP!r}")
    if not isinstance(body["base_cleaner"], str) or not isinstance(body["trained"], dict):
        raise ModelRefused(f"{path}: base_cleaner must be a name and trained an object")
    count = len(classes)
    return LineModel(
        tuple(classes),
        body["base_cleaner"],
        _numbers(path, "mean", body["mean"], (FEATURE_COUNT,)),
        _numbers(path, "scale", body["scale"], (FEATURE_COUNT,), positive=True),
        _numbers(path, "weights", body["weights"], (count, FEATURE_COUNT)),
        _numbers(path, "bias", body["bias"], (count,)),
        body["trained"],
    )


def _numbers(
    path: Path, name: str, value: Any, shape: tuple[int, ...], *, positive: bool = False
) -> Matrix:
    flat = _flatten(value, len(shape))
    if flat is None or len(flat) != math.prod(shape):
        raise ModelRefused(f"{path}: {name} is not a {'x'.join(map(str, shape))} list of numbers")
    array = np.asarray(flat, dtype=np.float64).reshape(shape)
    if not np.all(np.isfinite(array)) or (positive and not np.all(array > 0)):
        raise ModelRefused(f"{path}: {name} holds a number out of range")
    return array


def _flatten(value: Any, depth: int) -> list[float] | None:
    if depth == 1:
        ok = isinstance(value, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        return [float(v) for v in value] if ok else None
    if not isinstance(value, list) or not value:
        return None
    parts = [_flatten(item, depth - 1) for item in value]
    if any(part is None for part in parts) or len({len(p or ()) for p in parts}) != 1:
        return None
    return [number for part in parts for number in part or ()]

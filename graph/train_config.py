"""The SGCN training configuration: a frozen dataclass read from YAML, overridable from the
command line (no framework).

Defaults are the published ``graph/config/train.yaml`` and parser defaults (SPEC §5.4). A YAML
file may set any field; unknown keys and wrong types are rejected with one clear line.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml

from lib.errors import LightTrackError


@dataclass(frozen=True)
class TrainConfig:
    """Everything ``graph.training.train`` needs.

    train_pairs / test_pairs: pair files of ``graph/make_pairs.py``. step: epochs at which the
    learning rate is multiplied by 0.1. match_thresh: test accuracy counts a pair as "same
    person" when its distance is below this. max_iter: stop after this many training
    iterations in all (a smoke run). resume: continue from ``work_dir/train_state.pt``.
    device: "cpu", "cuda" or "auto" (cuda when available). test_batch_size: pairs per forward
    pass at test time (published 1; the results do not depend on it).
    """

    work_dir: str = "work_dir/sgcn"
    train_pairs: str = "data/sgcn/train_pairs.npz"
    test_pairs: str = "data/sgcn/test_pairs.npz"
    batch_size: int = 32
    test_batch_size: int = 256
    base_lr: float = 0.01
    step: tuple[int, ...] = (40, 60, 100, 150)
    num_epoch: int = 300
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 1e-4
    margin: float = 1.0
    match_thresh: float = 0.2
    save_interval: int = 10
    eval_interval: int = 1
    log_interval: int = 100
    seed: int = 0
    device: str = "auto"
    max_iter: int | None = None
    resume: bool = False

    def __post_init__(self):
        """Reject values outside their domain (counts >= 1, finite rates, a known device)."""
        counts = ("batch_size", "test_batch_size", "num_epoch", "save_interval", "eval_interval",
                  "log_interval", "max_iter")
        for name in counts:
            value = getattr(self, name)
            if value is not None and value < 1:
                raise LightTrackError(f"{name} must be >= 1, got {value}")
        for name in ("base_lr", "momentum", "weight_decay", "margin", "match_thresh"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise LightTrackError(f"{name} must be a finite number >= 0, got {value}")
        if not re.fullmatch(r"auto|cpu|cuda(:\d+)?|mps", self.device):
            raise LightTrackError(f"device {self.device!r} is not one of auto, cpu, cuda, "
                                  "cuda:N, mps")

    def learning_rate(self, epoch: int) -> float:
        """``base_lr * 0.1 ** (number of steps <= epoch)`` for a 0-based epoch."""
        return self.base_lr * 0.1 ** sum(epoch >= s for s in self.step)


def _field_types() -> dict[str, object]:
    return typing.get_type_hints(TrainConfig)


def _unwrap_optional(kind):
    """``X`` for a field type ``X | None``, else ``kind`` itself."""
    if typing.get_origin(kind) in (types.UnionType, typing.Union):
        return next(k for k in typing.get_args(kind) if k is not type(None))
    return kind


def _check(name: str, value, kind):
    """``value`` converted to the field type ``kind``, or LightTrackError."""
    inner = _unwrap_optional(kind)
    if value is None and inner is not kind:  # "X | None"
        return None
    kind = inner
    if typing.get_origin(kind) is tuple:
        if isinstance(value, (list, tuple)) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            return tuple(value)
    elif kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    elif kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    elif kind in (bool, str) and isinstance(value, kind):
        return value
    raise LightTrackError(f"config key {name!r} must be {kind.__name__ if isinstance(kind, type) else kind}, "
                          f"got {value!r}")


def load_config(path: str | Path | None = None, **overrides) -> TrainConfig:
    """The defaults, updated by the YAML mapping at ``path`` (if any), then by ``overrides``
    (None values are ignored, so unset command-line flags keep the file's value)."""
    values = {}
    if path is not None:
        try:
            values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise LightTrackError(f"{path} is not valid YAML: {err}") from None
        except UnicodeDecodeError as err:
            raise LightTrackError(f"{path} is not UTF-8 text ({err.reason} at byte "
                                  f"{err.start}): save the config as UTF-8 YAML") from None
        if not isinstance(values, dict):
            raise LightTrackError(f"{path} must hold a mapping of config keys")
    values.update({key: value for key, value in overrides.items() if value is not None})
    hints = _field_types()
    unknown = sorted(set(values) - set(hints))
    if unknown:
        raise LightTrackError(f"unknown config key(s) {', '.join(unknown)}; "
                              f"known: {', '.join(hints)}")
    return TrainConfig(**{key: _check(key, value, hints[key]) for key, value in values.items()})


def add_override_args(parser: argparse.ArgumentParser) -> None:
    """One ``--<field>`` flag per config field; unset flags stay None (see ``load_config``)."""
    group = parser.add_argument_group("config overrides (default: the config file's value)")
    for field in dataclasses.fields(TrainConfig):
        kind = _unwrap_optional(_field_types()[field.name])
        flag = f"--{field.name}"
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif typing.get_origin(kind) is tuple:
            group.add_argument(flag, type=int, nargs="*", metavar="EPOCH")
        else:
            group.add_argument(flag, type=kind, metavar=field.name.upper())

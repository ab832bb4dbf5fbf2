"""TF1-format checkpoints read and written by variable name (TensorFlow 2, eager mode).

The published snapshots (``snapshot_296.ckpt``, ``CPN_snapshot_293.ckpt``,
``MSRA_snapshot_285.ckpt``) are TF1 V2 checkpoints: ``<prefix>.index`` + ``<prefix>.data-*``.
``read_checkpoint`` checks them against a network's variable names and shapes;
``save_checkpoint`` writes the same layout, so the published files and our own snapshots load
through one path.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

import numpy as np
import tensorflow as tf

from lib.errors import LightTrackError
from lib.weights import require_file, require_finite

# optimiser state and counters that the original saved beside the model variables
SKIPPED = re.compile(r"(/Adam|/Adam_1)$|^(beta1_power|beta2_power|Variable|global_step)$")
LIST_LIMIT = 5  # names shown in a mismatch message
ANY_TRAIN_SCRIPT = "the network's train_PoseTrack_COCO_17_*.py"  # when the network is unknown


def checkpoint_prefix(path) -> str:
    """The checkpoint prefix of ``path``, which may also name its .index, .meta or .data file."""
    return re.sub(r"\.(index|meta|data-\d+-of-\d+)$", "", str(path))


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:LIST_LIMIT])
    more = f" and {len(items) - LIST_LIMIT} more" if len(items) > LIST_LIMIT else ""
    return f"{len(items)}: {shown}{more}"


def _mismatches(expected: Mapping[str, tuple], found: Mapping[str, tuple]) -> list[str]:
    missing = [f"{n} {list(s)}" for n, s in expected.items() if n not in found]
    unexpected = [f"{n} {list(s)}" for n, s in found.items() if n not in expected]
    wrong = [f"{n} {list(found[n])} (expected {list(s)})" for n, s in expected.items()
             if n in found and tuple(found[n]) != tuple(s)]
    return [f"{what} {_listing(items)}" for what, items in
            (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong)) if items]


def existing_checkpoint(path, train_script: str = ANY_TRAIN_SCRIPT) -> str:
    """The prefix of the checkpoint at ``path``; LightTrackError saying how to get the file
    (place it, or train it with ``train_script``) when its .index is missing."""
    prefix = checkpoint_prefix(path)
    require_file(prefix + ".index", "the published pose weights are no longer downloadable; "
                 f"place them there or train with {train_script} (see weights/README.md)")
    return prefix


def read_checkpoint(path, shapes: Mapping[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Every variable of ``shapes`` (TF1 name -> shape) from the checkpoint at ``path``.

    Optimiser slots (``*/Adam``, ``*/Adam_1``), ``beta1_power``, ``beta2_power``, the
    learning-rate ``Variable`` and ``global_step`` are ignored; any other difference in names or
    shapes raises LightTrackError listing them, as does a missing or unreadable file.
    """
    prefix = existing_checkpoint(path)
    try:
        reader = tf.train.load_checkpoint(prefix)
        found = {name: tuple(shape) for name, shape in
                 reader.get_variable_to_shape_map().items() if not SKIPPED.search(name)}
        problems = _mismatches(shapes, found)
        if problems:
            raise LightTrackError(f"{prefix} does not fit this network: " + "; ".join(problems))
        values = {name: reader.get_tensor(name) for name in shapes}
        require_finite(values, prefix)
        return values
    except (tf.errors.OpError, ValueError, RuntimeError, IndexError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise LightTrackError(f"{prefix} is not a readable TF checkpoint: {reason}") from None


def save_checkpoint(variables_by_name: Mapping[str, tf.Variable | np.ndarray], path) -> str:
    """Write a TF1-format checkpoint (``<prefix>.index`` + ``.data-00000-of-00001``) holding
    each value under its given name; returns the prefix. Reads back with ``read_checkpoint``
    and TF1's ``tf.compat.v1.train.Saver``."""
    prefix = checkpoint_prefix(path)
    Path(prefix).parent.mkdir(parents=True, exist_ok=True)
    names = list(variables_by_name)
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                      tensors=[tf.convert_to_tensor(variables_by_name[n]) for n in names])
    return prefix

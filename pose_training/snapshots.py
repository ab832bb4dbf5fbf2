"""Training snapshots and initial weights, by TF1 variable name (TensorFlow 2).

A snapshot ``<output-dir>/snapshot_<iteration>.ckpt`` is a TF1-layout checkpoint holding the
network variables under the names the inference loader reads, plus Adam's ``*/Adam``,
``*/Adam_1``, ``beta1_power``, ``beta2_power`` and ``global_step``, which that loader skips
as it skips them in the published snapshots.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Mapping

import numpy as np
import tensorflow as tf

from lib.errors import LightTrackError
from lib.weights import require_finite
from pose_nets.checkpoint import checkpoint_prefix, read_checkpoint, save_checkpoint

log = logging.getLogger(__name__)
SNAPSHOT = re.compile(r"^snapshot_(\d+)\.ckpt\.index$")


def snapshot_path(output_dir, iteration: int) -> str:
    """``<output_dir>/snapshot_<iteration>.ckpt`` (a checkpoint prefix)."""
    return str(Path(output_dir) / f"snapshot_{iteration}.ckpt")


def snapshots(output_dir) -> list[tuple[int, str]]:
    """(iteration, prefix) of every snapshot in ``output_dir``, oldest first."""
    folder = Path(output_dir)
    return sorted((int(m.group(1)), checkpoint_prefix(p))
                  for p in folder.glob("snapshot_*.ckpt.index") if (m := SNAPSHOT.match(p.name)))


def latest_snapshot(output_dir) -> tuple[str, int] | None:
    """(prefix, iteration) of the highest-numbered snapshot in ``output_dir``, or None."""
    found = snapshots(output_dir)
    return (found[-1][1], found[-1][0]) if found else None


def remove_old_snapshots(output_dir, keep: int) -> None:
    """Delete all but the ``keep`` newest snapshots of ``output_dir`` (keep 0: none)."""
    for _, prefix in snapshots(output_dir)[:-keep] if keep > 0 else []:
        for part in Path(prefix).parent.glob(Path(prefix).name + ".*"):
            part.unlink()


def save_snapshot(path, weights: Mapping[str, tf.Variable], slots: Mapping[str, tf.Variable],
                  iteration: int) -> str:
    """Write the network ``weights``, the optimiser ``slots`` and ``global_step``."""
    values = {**weights, **slots, "global_step": tf.constant(iteration, tf.int64)}
    return save_checkpoint(values, path)


def read_training_state(path, weight_shapes: Mapping[str, tuple], slot_names) -> tuple:
    """(network values, optimiser slot values, iteration) of a snapshot written by
    ``save_snapshot``; LightTrackError naming the file if anything is missing."""
    weights = read_checkpoint(path, weight_shapes)
    try:
        reader = tf.train.load_checkpoint(checkpoint_prefix(path))
        names = set(reader.get_variable_to_shape_map())
        missing = [n for n in [*slot_names, "global_step"] if n not in names]
        if missing:
            raise LightTrackError(f"{path} holds no optimiser state ({missing[0]} and "
                                  f"{len(missing) - 1} more missing): resume needs a training "
                                  "snapshot, or start without -c and give it as --init-weights")
        slots = {n: reader.get_tensor(n) for n in slot_names}
        iteration = int(reader.get_tensor("global_step"))
    except (tf.errors.OpError, ValueError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise LightTrackError(f"{path} is not a readable training snapshot: {reason}") from None
    require_finite(slots, path)
    return weights, slots, iteration


def initial_values(shapes: Mapping[str, tuple], init_weights=None) -> dict:
    """The variables of the ``init_weights`` checkpoint (e.g. an ImageNet backbone) whose
    name and shape match ``shapes`` (name -> array); {} without one. The network draws the
    others at random (``pose_nets.layers.PoseNet``); the log says how many came from where."""
    if init_weights is None:
        log.info("no --init-weights: every variable starts random")
        return {}
    prefix = checkpoint_prefix(init_weights)
    if not Path(prefix + ".index").is_file():
        raise LightTrackError(f"{prefix}.index not found: give an existing checkpoint to "
                              "--init-weights (see weights/README.md)")
    try:
        reader = tf.train.load_checkpoint(prefix)
        available = reader.get_variable_to_shape_map()
        copied = [n for n, s in shapes.items() if tuple(available.get(n, ())) == tuple(s)]
        values = {name: np.asarray(reader.get_tensor(name), np.float32) for name in copied}
    except (tf.errors.OpError, ValueError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise LightTrackError(f"--init-weights {prefix} is not a readable TF checkpoint: "
                              f"{reason}") from None
    if not copied:
        raise LightTrackError(f"{prefix} shares no variable name and shape with this network: "
                              "see weights/README.md for the expected names")
    require_finite(values, prefix)
    log.info("%s: %d of %d variables initialised from it, the other %d random", prefix,
             len(copied), len(shapes), len(shapes) - len(copied))
    return values

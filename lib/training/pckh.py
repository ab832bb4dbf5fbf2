"""PCKh for the training validation (numpy).

The head size is the head_top–neck distance of the ground truth, which COCO-derived persons
also have (there is no head box); a person without both joints is left out.
"""
from __future__ import annotations

import numpy as np

from lib.eval.matching import PCKH_THRESH
from lib.training.annotations import HEAD_TOP, NECK


def head_sizes(joints: np.ndarray) -> np.ndarray:
    """joints (N, 15, 3) x, y, valid -> (N,) head_top–neck distance, NaN when either is
    unannotated or the distance is 0."""
    joints = np.asarray(joints, np.float64)
    size = np.linalg.norm(joints[:, HEAD_TOP, :2] - joints[:, NECK, :2], axis=1)
    known = (joints[:, HEAD_TOP, 2] > 0) & (joints[:, NECK, 2] > 0) & (size > 0)
    return np.where(known, size, np.nan)


def pckh(predicted: np.ndarray, truth: np.ndarray, thresh: float = PCKH_THRESH):
    """predicted (N, K, 2+) x, y and truth (N, K, 3) x, y, valid in image pixels ->
    (per-joint PCKh (K,) with NaN for joints never annotated, mean over all counted joints).

    A joint counts when annotated (valid > 0) in a person with a head size; it is correct
    when within ``thresh`` × head size of the truth.
    """
    truth = np.asarray(truth, np.float64)
    size = head_sizes(truth)
    counted = (truth[..., 2] > 0) & np.isfinite(size)[:, None]
    distance = np.linalg.norm(np.asarray(predicted, np.float64)[..., :2] - truth[..., :2],
                              axis=-1)
    with np.errstate(invalid="ignore"):
        correct = counted & (distance <= thresh * size[:, None])
        per_joint = correct.sum(axis=0) / np.where(counted.sum(axis=0), counted.sum(axis=0),
                                                   np.nan)
    total = counted.sum()
    return per_joint, float(correct.sum() / total) if total else float("nan")

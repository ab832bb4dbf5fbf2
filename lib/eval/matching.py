"""PCKh distances between predicted and GT poses and poseval's greedy pose assignment (numpy)."""
from __future__ import annotations

import numpy as np

HEAD_SIZE_FACTOR = 0.6  # head size = 0.6 x the diagonal of the GT head box
PCKH_THRESH = 0.5       # a joint is correct when its distance is <= 0.5 head sizes


def nanmean(values) -> float:
    """Mean of the non-NaN values (poseval's totals over joints); NaN when there are none."""
    values = np.asarray(values, float)
    return float(values[~np.isnan(values)].mean()) if (~np.isnan(values)).any() else np.nan


def stack(persons: list) -> tuple:
    """(keypoints (N, 15, 2), present (N, 15) bool, scores (N, 15)) of a list of ``PosePerson``."""
    if not persons:
        return np.zeros((0, 15, 2)), np.zeros((0, 15), bool), np.zeros((0, 15))
    return (np.stack([p.keypoints for p in persons]), np.stack([p.present for p in persons]),
            np.stack([p.scores for p in persons]))


def joint_distances(pred_persons: list, gt_persons: list, *,
                    head_size_factor: float = HEAD_SIZE_FACTOR) -> np.ndarray:
    """Distances in GT head sizes, (P, G, 15); inf where either pose lacks the joint.

    head size = ``head_size_factor`` x ||(x2 - x1, y2 - y1)|| of the GT head box.
    """
    pred_xy, pred_present, _ = stack(pred_persons)
    gt_xy, gt_present, _ = stack(gt_persons)
    boxes = np.array([p.head_box if p.head_box is not None else (0, 0, 0, 0) for p in gt_persons],
                     float).reshape(-1, 4)
    head_sizes = head_size_factor * np.hypot(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    pixels = np.linalg.norm(pred_xy[:, None] - gt_xy[None], axis=-1)  # (P, G, 15)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = pixels / head_sizes[None, :, None]
    both = pred_present[:, None, :] & gt_present[None, :, :]
    return np.where(both, dist, np.inf)


def assign_poses(dist: np.ndarray, gt_present: np.ndarray, *,
                 thresh: float = PCKH_THRESH) -> np.ndarray:
    """poseval's greedy assignment (SPEC §7.4): GT index of each prediction, or -1; shape (P,).

    ``dist`` (P, G, 15) from ``joint_distances``; ``gt_present`` (G, 15). PCK of a pair = joints
    within ``thresh`` / joints annotated in the GT (unnormalised when it has none). Each prediction
    keeps only its best GT (first on ties); each GT then takes the prediction with the highest
    kept value (first on ties); a GT whose best value is 0 takes none.
    """
    num_pred, num_gt = dist.shape[:2]
    pred_to_gt = np.full(num_pred, -1)
    if num_pred == 0 or num_gt == 0:
        return pred_to_gt
    pck = (dist <= thresh).sum(axis=2).astype(float)
    num_annotated = gt_present.sum(axis=1)
    pck[:, num_annotated > 0] /= num_annotated[num_annotated > 0]
    best_gt = pck.argmax(axis=1)
    kept = np.zeros_like(pck)
    kept[np.arange(num_pred), best_gt] = pck[np.arange(num_pred), best_gt]
    best_pred = kept.argmax(axis=0)
    for gt_idx in np.flatnonzero(kept.max(axis=0) > 0):
        pred_to_gt[best_pred[gt_idx]] = gt_idx
    return pred_to_gt

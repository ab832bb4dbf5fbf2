"""Per-joint average precision of multi-person pose estimation as poseval computes it (numpy)."""
from __future__ import annotations

import numpy as np

from lib.eval.matching import PCKH_THRESH, assign_poses, joint_distances, nanmean, stack
from lib.joints import NUM_JOINTS


def frame_detections(gt_persons: list, pred_persons: list, *, thresh: float = PCKH_THRESH):
    """Scored joint detections of one frame (SPEC §7.4 steps 1-7).

    Returns (scores (P, 15), labels (P, 15) bool, predicted (P, 15) bool, positives (15,) int):
    a predicted joint is a true positive when its pose is assigned to a GT pose and lies within
    ``thresh`` head sizes of that GT's joint; every joint of an unassigned pose (and every joint
    in a frame without GT) is a false positive. ``positives`` counts the annotated GT joints.
    """
    _, predicted, scores = stack(pred_persons)
    _, gt_present, _ = stack(gt_persons)
    labels = np.zeros_like(predicted)
    if pred_persons and gt_persons:
        dist = joint_distances(pred_persons, gt_persons)
        pred_to_gt = assign_poses(dist, gt_present, thresh=thresh)
        for pred_idx in np.flatnonzero(pred_to_gt >= 0):
            labels[pred_idx] = dist[pred_idx, pred_to_gt[pred_idx]] <= thresh
    return scores, labels & predicted, predicted, gt_present.sum(axis=0)


def average_precision(scores, labels, num_positives: int) -> tuple:
    """VOC all-point AP of one joint type: (ap, precision, recall) as fractions.

    ``scores`` (D,), ``labels`` (D,) bool. Detections are ranked by descending score; equal scores
    keep poseval's order (``argsort()[::-1]`` of a stable sort: the later detection first).
    ``precision``/``recall`` are the values at the end of the ranked list. No detection gives
    (0, 0, 0) as poseval; no positive gives NaN (left out of the mean over joints).
    """
    scores, labels = np.asarray(scores, float), np.asarray(labels, bool)
    if scores.size == 0:
        return 0.0, 0.0, 0.0
    if num_positives == 0:
        return np.nan, np.nan, np.nan
    true_positives = np.cumsum(labels[np.argsort(scores, kind="stable")[::-1]])
    precision = true_positives / np.arange(1, scores.size + 1)
    recall = true_positives / num_positives
    recall_steps = np.concatenate([[0.0], recall, [1.0]])
    envelope = np.maximum.accumulate(np.concatenate([[0.0], precision, [0.0]])[::-1])[::-1]
    changed = np.flatnonzero(recall_steps[1:] != recall_steps[:-1]) + 1
    ap = np.sum((recall_steps[changed] - recall_steps[changed - 1]) * envelope[changed])
    return float(ap), float(precision[-1]), float(recall[-1])


def evaluate_ap(sequences: list, *, thresh: float = PCKH_THRESH) -> dict:
    """AP, precision and recall in percent over the frames of ``sequences`` (list of ``Sequence``).

    Returns ``{"ap", "precision", "recall"}``, each (16,): the 15 joints, then their mean
    (ignoring NaN).
    """
    columns = [[] for _ in range(NUM_JOINTS)]
    positives = np.zeros(NUM_JOINTS, int)
    for sequence in sequences:
        for gt_frame, pred_frame in zip(sequence.gt, sequence.pred):
            scores, labels, predicted, frame_positives = frame_detections(
                gt_frame.persons, pred_frame.persons, thresh=thresh)
            positives += frame_positives
            for joint in range(NUM_JOINTS):
                rows = predicted[:, joint]
                columns[joint].append((scores[rows, joint], labels[rows, joint]))
    result = np.full((3, NUM_JOINTS + 1), np.nan)
    for joint, parts in enumerate(columns):
        scores = np.concatenate([s for s, _ in parts]) if parts else np.zeros(0)
        labels = np.concatenate([lab for _, lab in parts]) if parts else np.zeros(0, bool)
        result[:, joint] = average_precision(scores, labels, positives[joint])
    result[:, NUM_JOINTS] = [nanmean(row[:NUM_JOINTS]) for row in result]
    result *= 100
    return {"ap": result[0], "precision": result[1], "recall": result[2]}

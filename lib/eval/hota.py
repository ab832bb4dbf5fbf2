"""Keypoint HOTA (DetA, AssA) and IDF1 of pose tracking as PoseTrack21 scores it (numpy, scipy).

Every joint type is a tracking problem of its own (PoseTrack21's keypoint HOTA): in each frame
the GT persons that have the joint meet the predicted persons that have it, with the similarity
``max(0, 1 - d / (sim_thresh * head size))`` (d in pixels, head size as for PCKh, so a joint within
half a head size is similar). HOTA of Luiten et al. (IJCV 2020) runs per joint: per frame a
Hungarian matching maximises similarity weighted by the global alignment of the two ids, a match
counts at threshold alpha when its similarity is >= alpha, and DetA, AssA and HOTA are averaged
over the 19 alphas 0.05 ... 0.95 and then over the joints. PoseTrack21's kit matches on the
similarity alone; ``alignment_matching=False`` does that. IDF1 (Ristani et al. 2016) per joint
counts a GT/prediction pair in a frame when d <= ``sim_thresh`` head sizes (as MOTA does) and
matches ids once per sequence. Sequences are pooled per joint as TrackEval pools them: counts are
summed, AssA is weighted by the true positives. A joint that no GT and no prediction has anywhere
is left out of the means.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from lib.eval.matching import PCKH_THRESH, joint_distances, nanmean, stack
from lib.joints import NUM_JOINTS

ALPHAS = np.arange(1, 20) / 20.0  # the 19 localisation thresholds 0.05 ... 0.95
EPS = np.finfo(float).eps
# per joint accumulators: per-alpha rows, then the three IDF1 counts
COUNT_NAMES = ("tp", "fn", "fp", "ass_sum")
ID_NAMES = ("idtp", "num_gt", "num_pred")


def similarity(distances: np.ndarray, sim_thresh: float = PCKH_THRESH) -> np.ndarray:
    """Similarity max(0, 1 - d / sim_thresh) of distances in head sizes (inf -> 0), same shape."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(distances), np.maximum(0.0, 1.0 - distances / sim_thresh), 0.0)


def hota_counts(gt_ids: list, pred_ids: list, similarities: list, *,
                alignment_matching: bool = True) -> dict:
    """HOTA counts of one sequence of one object class (here: one joint type).

    ``gt_ids`` / ``pred_ids``: per frame an int array of ids (G_t,) / (P_t,), ids of a sequence
    being 0 ... num_ids - 1; ``similarities``: per frame (G_t, P_t) in [0, 1]. Returns ``tp``,
    ``fn``, ``fp`` and ``ass_sum`` (AssA times tp), each (19,) over ``ALPHAS``.
    """
    num_gt = 1 + max((int(ids.max()) for ids in gt_ids if len(ids)), default=-1)
    num_pred = 1 + max((int(ids.max()) for ids in pred_ids if len(ids)), default=-1)
    counts = {name: np.zeros(len(ALPHAS)) for name in COUNT_NAMES}
    potential = np.zeros((num_gt, num_pred))
    gt_count, pred_count = np.zeros((num_gt, 1)), np.zeros((1, num_pred))
    for gt, pred, sim in zip(gt_ids, pred_ids, similarities):
        gt_count[gt, 0] += 1
        pred_count[0, pred] += 1
        union = sim.sum(0, keepdims=True) + sim.sum(1, keepdims=True) - sim
        potential[gt[:, None], pred[None, :]] += np.divide(sim, union, out=np.zeros_like(sim),
                                                           where=union > EPS)
    alignment = potential / np.maximum(1, gt_count + pred_count - potential)
    matches = np.zeros((len(ALPHAS), num_gt, num_pred))
    for gt, pred, sim in zip(gt_ids, pred_ids, similarities):
        num_tp = np.zeros(len(ALPHAS))
        if len(gt) and len(pred):
            score = alignment[gt[:, None], pred[None, :]] * sim if alignment_matching else sim
            rows, cols = linear_sum_assignment(-score)
            hit = sim[rows, cols][None, :] >= ALPHAS[:, None] - EPS  # (19, matches)
            num_tp = hit.sum(1)
            alpha_idx, match_idx = np.nonzero(hit)
            np.add.at(matches, (alpha_idx, gt[rows[match_idx]], pred[cols[match_idx]]), 1)
        counts["tp"] += num_tp
        counts["fn"] += len(gt) - num_tp
        counts["fp"] += len(pred) - num_tp
    ass = matches / np.maximum(1, gt_count + pred_count - matches)
    counts["ass_sum"] = (matches * ass).sum(axis=(1, 2))
    return counts


def idf1_counts(gt_ids: list, pred_ids: list, hits: list) -> dict:
    """IDF1 counts of one sequence of one class: ``idtp`` (true positives of the best one-to-one
    id matching over the sequence), ``num_gt``, ``num_pred``. ``hits``: per frame (G_t, P_t)
    bool, True where the pair may count."""
    num_gt = 1 + max((int(ids.max()) for ids in gt_ids if len(ids)), default=-1)
    num_pred = 1 + max((int(ids.max()) for ids in pred_ids if len(ids)), default=-1)
    pair_frames = np.zeros((num_gt, num_pred))
    for gt, pred, hit in zip(gt_ids, pred_ids, hits):
        pair_frames[gt[:, None], pred[None, :]] += hit
    rows, cols = linear_sum_assignment(-pair_frames)
    return {"idtp": float(pair_frames[rows, cols].sum()),
            "num_gt": float(sum(len(ids) for ids in gt_ids)),
            "num_pred": float(sum(len(ids) for ids in pred_ids))}


def _dense_ids(frames) -> list:
    """Per frame the persons' track ids renumbered 0 ... n - 1 over the sequence, (N_t,)."""
    table: dict = {}
    return [np.array([table.setdefault(p.track_id, len(table)) for p in frame.persons], int)
            for frame in frames]


def sequence_hota(sequence, *, sim_thresh: float = PCKH_THRESH,
                  alignment_matching: bool = True) -> dict:
    """Per-joint HOTA and IDF1 counts of one ``Sequence`` (all its frames).

    Returns ``tp``, ``fn``, ``fp``, ``ass_sum`` each (19, 15) (alpha x joint) and ``idtp``,
    ``num_gt``, ``num_pred`` each (15,).
    """
    gt_ids, pred_ids = _dense_ids(sequence.gt), _dense_ids(sequence.pred)
    per_frame = []
    for gt_frame, pred_frame in zip(sequence.gt, sequence.pred):
        dist = joint_distances(pred_frame.persons, gt_frame.persons).transpose(1, 0, 2)
        per_frame.append((stack(gt_frame.persons)[1], stack(pred_frame.persons)[1], dist))
    result = {name: np.zeros((len(ALPHAS), NUM_JOINTS)) for name in COUNT_NAMES}
    result.update({name: np.zeros(NUM_JOINTS) for name in ID_NAMES})
    for joint in range(NUM_JOINTS):
        gts, preds, sims, hits = [], [], [], []
        for (gt_present, pred_present, dist), gt, pred in zip(per_frame, gt_ids, pred_ids):
            rows, cols = gt_present[:, joint], pred_present[:, joint]
            joint_dist = dist[rows][:, cols, joint]
            gts.append(gt[rows])
            preds.append(pred[cols])
            sims.append(similarity(joint_dist, sim_thresh))
            hits.append(joint_dist <= sim_thresh)
        counts = hota_counts(gts, preds, sims, alignment_matching=alignment_matching)
        for name in COUNT_NAMES:
            result[name][:, joint] = counts[name]
        for name, value in idf1_counts(gts, preds, hits).items():
            result[name][joint] = value
    return result


def hota_metrics(counts: dict) -> dict:
    """HOTA, DetA, AssA, IDF1 in percent from (summed) ``sequence_hota`` counts.

    Returns ``HOTA``, ``DetA``, ``AssA``, ``DetRe``, ``DetPr`` each (19, 16): alpha x (15 joints,
    then their mean ignoring NaN); ``IDF1`` (16,); and the summaries ``hota``, ``deta``, ``assa``
    (means over alphas of the last column) and ``idf1`` as floats.
    """
    tp, fn, fp = counts["tp"], counts["fn"], counts["fp"]
    with np.errstate(divide="ignore", invalid="ignore"):
        empty = (tp + fn + fp) == 0  # a joint nobody has: NaN, left out of the means
        det_a = np.where(empty, np.nan, tp / np.maximum(1, tp + fn + fp))
        ass_a = np.where(empty, np.nan, counts["ass_sum"] / np.maximum(1, tp))
        det_re = np.where(empty, np.nan, tp / np.maximum(1, tp + fn))
        det_pr = np.where(empty, np.nan, tp / np.maximum(1, tp + fp))
        id_total = counts["num_gt"] + counts["num_pred"]
        idf1 = np.where(id_total > 0, 2 * counts["idtp"] / np.maximum(1, id_total), np.nan)
    per_alpha = {"HOTA": np.sqrt(det_a * ass_a), "DetA": det_a, "AssA": ass_a, "DetRe": det_re,
                 "DetPr": det_pr}
    result = {}
    for name, values in per_alpha.items():
        total = np.array([nanmean(row) for row in values])[:, None]
        result[name] = 100 * np.hstack([values, total])
    result["IDF1"] = 100 * np.append(idf1, nanmean(idf1))
    for name in ("HOTA", "DetA", "AssA"):
        result[name.lower()] = nanmean(result[name][:, -1])
    result["idf1"] = float(result["IDF1"][-1])
    return result


def evaluate_hota(sequences, **options) -> dict:
    """``hota_metrics`` of the per-joint counts summed over ``sequences`` (``sequence_hota``
    options pass through)."""
    total = None
    for sequence in sequences:
        counts = sequence_hota(sequence, **options)
        total = counts if total is None else {k: total[k] + counts[k] for k in total}
    if total is None:
        total = {name: np.zeros((len(ALPHAS), NUM_JOINTS)) for name in COUNT_NAMES}
        total.update({name: np.zeros(NUM_JOINTS) for name in ID_NAMES})
    return hota_metrics(total)

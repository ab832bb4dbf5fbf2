"""Per-joint MOT metrics of pose tracking as poseval computes them (numpy, motmetrics).

For every sequence and joint type one ``motmetrics.MOTAccumulator(auto_id=True)`` receives, per
frame, the GT and predicted track ids that have the joint and their distances in head sizes, NaN
beyond 0.5 (SPEC §7.5). poseval's conventions are keyword arguments, on by default:

* ``dummy_empty_frames``: a frame without GT or without predictions is fed as one dummy GT id 0,
  one dummy prediction id 0 and a NaN distance (1 miss + 1 false positive per joint, whatever
  the true counts); off: the frame's true ids are fed.
* ``skip_last_frame``: the last frame of every sequence is not fed.
* ``motp_raw_events`` (off by default): MOTP from the sum of ``D`` over all of motmetrics'
  events, RAW rows included, as poseval does with motmetrics >= 1.2. Off: ``D`` is summed over
  the MATCH and SWITCH events only, the events that carry a distance in the 2017-era
  py-motmetrics LightTrack was evaluated with (and the events ``num_detections`` counts).
"""
from __future__ import annotations

import motmetrics as mm
import numpy as np

from lib.eval.matching import PCKH_THRESH, joint_distances, nanmean, stack
from lib.joints import NUM_JOINTS

COUNT_NAMES = ("num_misses", "num_switches", "num_false_positives", "num_objects",
               "num_detections", "sum_distance")


def _frame_inputs(gt_persons: list, pred_persons: list, thresh: float):
    """Per joint (gt ids, pred ids, distances (G_j, P_j) with NaN beyond ``thresh``)."""
    _, gt_present, _ = stack(gt_persons)
    _, pred_present, _ = stack(pred_persons)
    gt_ids = np.array([p.track_id for p in gt_persons], int)
    pred_ids = np.array([p.track_id for p in pred_persons], int)
    dist = joint_distances(pred_persons, gt_persons).transpose(1, 0, 2)  # (G, P, 15)
    dist = np.where(dist <= thresh, dist, np.nan)
    for joint in range(NUM_JOINTS):
        gt_rows, pred_cols = gt_present[:, joint], pred_present[:, joint]
        yield gt_ids[gt_rows], pred_ids[pred_cols], dist[gt_rows][:, pred_cols, joint]


def sequence_counts(sequence, *, thresh: float = PCKH_THRESH, dummy_empty_frames: bool = True,
                    skip_last_frame: bool = True, motp_raw_events: bool = False) -> np.ndarray:
    """MOT counts of one ``Sequence``: (6, 15) rows as ``COUNT_NAMES``, one column per joint."""
    accumulators = [mm.MOTAccumulator(auto_id=True) for _ in range(NUM_JOINTS)]
    frames = list(zip(sequence.gt, sequence.pred))
    if skip_last_frame:
        frames = frames[:-1]
    for gt_frame, pred_frame in frames:
        if dummy_empty_frames and not (gt_frame.persons and pred_frame.persons):
            for accumulator in accumulators:
                accumulator.update([0], [0], [[np.nan]])
            continue
        inputs = _frame_inputs(gt_frame.persons, pred_frame.persons, thresh)
        for accumulator, (gt_ids, pred_ids, dist) in zip(accumulators, inputs):
            accumulator.update(gt_ids, pred_ids, dist)
    counts = np.zeros((len(COUNT_NAMES), NUM_JOINTS))
    for joint, accumulator in enumerate(accumulators):
        counts[:, joint] = _event_counts(accumulator.events, motp_raw_events)
    return counts


def _event_counts(events, motp_raw_events: bool) -> list:
    """``COUNT_NAMES`` from a motmetrics event table, counted as ``motmetrics.metrics`` does:
    objects are the MATCH, SWITCH and MISS rows, detections the MATCH and SWITCH rows."""
    types = events["Type"].astype(str).to_numpy()
    distances = events["D"].to_numpy(float)
    matched = (types == "MATCH") | (types == "SWITCH")
    num_misses = int((types == "MISS").sum())
    sum_distance = np.nansum(distances if motp_raw_events else distances[matched])
    return [num_misses, int((types == "SWITCH").sum()), int((types == "FP").sum()),
            int(matched.sum()) + num_misses, int(matched.sum()), sum_distance]


def mot_metrics(counts: np.ndarray) -> dict:
    """MOTA, MOTP, precision, recall in percent from summed counts (6, 15) (SPEC §7.5).

    Returns ``{"mota", "motp", "precision", "recall"}``, each (16,): the joints, then their mean
    ignoring NaN; and the raw counts (15,) under their ``COUNT_NAMES``.
    """
    misses, switches, false_positives, objects, detections, sum_distance = counts
    with np.errstate(divide="ignore", invalid="ignore"):
        objects_or_nan = np.where(objects > 0, objects, np.nan)
        mota = 100 * (1 - (misses + switches + false_positives) / objects_or_nan)
        motp = np.where(detections > 0, 100 * (1 - sum_distance / detections), 0.0)
        claimed = detections + false_positives
        precision = 100 * detections / np.where(claimed > 0, claimed, np.nan)
        recall = 100 * detections / objects_or_nan
    result = {}
    for name, values in (("mota", mota), ("motp", motp), ("precision", precision),
                         ("recall", recall)):
        result[name] = np.append(values, nanmean(values))
    result.update({name: counts[row] for row, name in enumerate(COUNT_NAMES)})
    return result


"""PoseTrack evaluation of a folder of predictions against a folder of ground truth (no framework).

``evaluate`` loads both folders (PoseTrack 2017 or 2018 files, one per sequence), computes AP with
PCKh@0.5 and the MOT metrics as poseval does (SPEC §7) and returns plain numbers and per-joint
arrays; ``lib.eval.report`` prints poseval's tables and writes its JSON files.
"""
from __future__ import annotations

import numpy as np

from lib.eval.ap import evaluate_ap
from lib.eval.hota import evaluate_hota
from lib.eval.loading import load_sequences
from lib.eval.matching import PCKH_THRESH
from lib.eval.tracking import COUNT_NAMES, mot_metrics, sequence_counts
from lib.joints import NUM_JOINTS

SUMMARY_KEYS = ("mAP", "MOTA", "MOTP", "precision", "recall", "IDSW", "HOTA", "DetA", "AssA",
                "IDF1")


def _tracking(sequences, per_sequence, conventions) -> tuple:
    """(total MOT metrics, {sequence name: its MOT metrics} or {})."""
    counts = {s.name: sequence_counts(s, **conventions) for s in sequences}
    total = mot_metrics(sum(counts.values(), np.zeros((len(COUNT_NAMES), NUM_JOINTS))))
    return total, ({name: mot_metrics(c) for name, c in counts.items()} if per_sequence else {})


def evaluate(gt_dir, pred_dir, eval_pose: bool = True, eval_tracking: bool = True, *,
             per_sequence: bool = False, thresh: float = PCKH_THRESH,
             dummy_empty_frames: bool = True, skip_last_frame: bool = True,
             motp_raw_events: bool = False) -> dict:
    """Evaluate the predictions in ``pred_dir`` against the ground truth in ``gt_dir``.

    Every ``*.json`` in ``gt_dir`` needs a prediction file of the same name with as many frames.
    The conventions (``dummy_empty_frames``, ``skip_last_frame``, ``motp_raw_events``) are those
    of ``lib.eval.tracking``; their defaults reproduce poseval with the 2017-era motmetrics.

    Returns a dict with the summary ``mAP``, ``MOTA``, ``MOTP``, ``precision``, ``recall``
    (percent; the MOT precision/recall), ``IDSW`` (switches summed over joints) and the keypoint
    ``HOTA``, ``DetA``, ``AssA``, ``IDF1`` (percent, ``lib.eval.hota``), None for a part not
    evaluated; ``ap`` (the AP part: ``ap``, ``precision``, ``recall``, each (16,), the
    15 joints then the total) and ``mot`` (``mota``, ``motp``, ``precision``, ``recall``, each
    (16,), and the counts (15,) ``num_misses``, ``num_switches``, ``num_false_positives``,
    ``num_objects``, ``num_detections``, ``sum_distance``), ``hota`` (``lib.eval.hota.hota_metrics``
    of all sequences, all frames); with ``per_sequence`` also
    ``sequences``: name -> {"ap": ..., "mot": ...}. Raises LightTrackError for bad input.
    """
    sequences = load_sequences(gt_dir, pred_dir, check_track_ids=eval_tracking)
    conventions = dict(thresh=thresh, dummy_empty_frames=dummy_empty_frames,
                       skip_last_frame=skip_last_frame, motp_raw_events=motp_raw_events)
    result = dict.fromkeys(SUMMARY_KEYS)
    result.update(ap=None, mot=None, hota=None, num_sequences=len(sequences),
                  num_frames=sum(len(s.gt) for s in sequences))
    per_seq = {s.name: {"ap": None, "mot": None} for s in sequences}
    if eval_pose:
        result["ap"] = evaluate_ap(sequences, thresh=thresh)
        result["mAP"] = float(result["ap"]["ap"][-1])
        if per_sequence:
            for sequence in sequences:
                per_seq[sequence.name]["ap"] = evaluate_ap([sequence], thresh=thresh)
    if eval_tracking:
        mot, seq_mots = _tracking(sequences, per_sequence, conventions)
        result["mot"] = mot
        result.update(MOTA=float(mot["mota"][-1]), MOTP=float(mot["motp"][-1]),
                      precision=float(mot["precision"][-1]), recall=float(mot["recall"][-1]),
                      IDSW=int(mot["num_switches"].sum()))
        hota = evaluate_hota(sequences, sim_thresh=thresh)
        result["hota"] = hota
        result.update(HOTA=hota["hota"], DetA=hota["deta"], AssA=hota["assa"], IDF1=hota["idf1"])
        for name, seq_mot in seq_mots.items():
            per_seq[name]["mot"] = seq_mot
    if per_sequence:
        result["sequences"] = per_seq
    return result

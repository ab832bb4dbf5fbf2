"""Global assignment of keyframe candidates to active and lost tracks with fused cues (numpy,
scipy): one cost matrix, a gate per cue, solved with ``scipy.optimize.linear_sum_assignment``.

Cues, each a cost in [0, 1] between candidate i and track j (lower is more alike):
- ``iou``: 1 - IoU of the candidate's box and the track's motion-predicted box;
- ``oks``: 1 - OKS of the candidate's pose and the track's predicted pose (``matcher.oks``);
- ``matcher``: the plugged-in ``Matcher``'s distance (e.g. SGCN embeddings) / ``matcher_scale``,
  capped at 1;
- ``appearance``: Bhattacharyya distance of colour histograms (``lib.memory.appearance``).
The fused cost is the weighted mean of the cues a pair has (a cue that is missing for a pair,
NaN or infinite, drops out of its mean). The box and pose cues say less the longer a track has
been lost: their weights fall as exp(-seconds lost / ``geometry_memory_seconds``). Optionally a
first stage matches the pairs that are surely one person (a candidate's pose where a track seen
in the previous frame was predicted, ``same_person_oks``) before the fused cost weighs the rest.
Shape letters: N candidates, M tracks, K keypoints.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from lib import geometry
from matcher.oks import OKSMatcher

FORBIDDEN = 1e6  # cost of a gated pair inside the solver


@dataclass(frozen=True)
class AssignmentParams:
    """Weights and gates of the fused cost (each cue is a cost in [0, 1]).

    iou_weight, oks_weight, matcher_weight, appearance_weight: weight of each cue in the mean.
    geometry_memory_seconds: the iou and oks weights of a track lost for t seconds are
        multiplied by exp(-t / this) (the predicted place of a hidden person grows uncertain).
    matcher_scale: matcher distance that counts as cost 1 (SGCN: its published matching
        threshold 0.5 is cost 0.5).
    max_cost: a pair whose fused cost is above this is never matched.
    distance_gate: a pair is allowed only when the candidate's box centre lies within this many
        track heights of the predicted box centre, or their boxes overlap ...
    distance_gate_growth: ... plus this many heights per second the track has been lost.
    appearance_gate: a lost track is never matched to a candidate whose appearance distance is
        above this (a track seen in the previous frame is not gated by appearance: its place
        is known, and a partial occluder changes the colours its box holds).
    matcher_gate: a pair whose matcher distance is above this is never matched (None: no gate).
    lost_penalty: added to the fused cost of a lost track, so a track seen in the previous
        frame wins a near tie (a matching cascade, as DeepSORT's, in one matrix).
    """

    iou_weight: float = 1.0
    oks_weight: float = 1.0
    matcher_weight: float = 0.5
    appearance_weight: float = 1.0
    geometry_memory_seconds: float = 0.5
    matcher_scale: float = 1.0
    max_cost: float = 0.7
    distance_gate: float = 1.0
    distance_gate_growth: float = 1.0
    appearance_gate: float = 0.6
    matcher_gate: float | None = None
    lost_penalty: float = 0.1


@dataclass
class TrackCues:
    """What the assignment needs of M tracks: predicted boxes_xyxy (M, 4) and keypoints
    (M, K, 3), appearance descriptors (M, R, B) (rows of zeros: none), seconds_lost (M,)
    (0 for a track seen in the previous frame)."""

    boxes_xyxy: np.ndarray
    keypoints: np.ndarray
    appearance: np.ndarray
    seconds_lost: np.ndarray


class FusedAssigner:
    """Matches candidates to tracks by minimum total fused cost under the gates.

    matcher: an optional ``Matcher`` (the plug-in point; None drops the matcher cue);
    appearance_distances: (descriptors_a, descriptors_b) -> (Na, Nb) distances in [0, 1].
    same_person_oks: a candidate whose pose has OKS above this with the predicted pose of a
        track seen in the previous frame is that track's: such pairs (allowed by the gates) are
        matched first, one to one by OKS, and the fused cost only weighs the others. Without it,
        on detection every frame, a track lost for seconds, whose geometry weighs nothing, took
        a person from the track holding them on skeleton and colours alone (None: fused cost only).
    """

    def __init__(self, matcher=None, params: AssignmentParams = AssignmentParams(), *,
                 appearance_distances=None, oks: OKSMatcher | None = None,
                 same_person_oks: float | None = None):
        self.matcher, self.params = matcher, params
        self.appearance_distances = appearance_distances
        self.oks = oks or OKSMatcher()
        self.same_person_oks = same_person_oks

    def cues(self, boxes_xyxy, keypoints, appearance, tracks: TrackCues) -> dict[str, np.ndarray]:
        """The (N, M) cost of each cue (NaN where a pair lacks it)."""
        boxes = geometry.as_boxes(boxes_xyxy)
        result = {"iou": 1.0 - geometry.iou_matrix(boxes, tracks.boxes_xyxy),
                  "oks": self.oks.distances(boxes, keypoints, tracks.boxes_xyxy,
                                            tracks.keypoints)}
        if self.matcher is not None:
            dist = np.asarray(self.matcher.distances(boxes, keypoints, tracks.boxes_xyxy,
                                                     tracks.keypoints), dtype=np.float64)
            result["matcher"] = np.where(np.isfinite(dist),
                                         np.minimum(dist / self.params.matcher_scale, 1.0), np.nan)
            result["matcher_raw"] = dist
        if self.appearance_distances is not None and appearance is not None:
            result["appearance"] = self.appearance_distances(appearance, tracks.appearance)
        return result

    def fused(self, cues: dict[str, np.ndarray], seconds_lost: np.ndarray) -> np.ndarray:
        """(N, M) weighted mean of the available cues; NaN where no cue is available."""
        p = self.params
        decay = np.exp(-np.asarray(seconds_lost, dtype=np.float64)
                       / max(p.geometry_memory_seconds, 1e-9))[None, :]
        weights = {"iou": p.iou_weight * decay, "oks": p.oks_weight * decay,
                   "matcher": p.matcher_weight, "appearance": p.appearance_weight}
        shape = cues["iou"].shape
        total, weight_sum = np.zeros(shape), np.zeros(shape)
        for name, weight in weights.items():
            if name not in cues:
                continue
            cost = cues[name]
            available = np.isfinite(cost)
            weight = np.broadcast_to(weight, shape)
            total += np.where(available, weight * np.nan_to_num(cost), 0.0)
            weight_sum += np.where(available, weight, 0.0)
        fused = np.divide(total, weight_sum, out=np.full(shape, np.nan), where=weight_sum > 0)
        return fused + np.where(np.asarray(seconds_lost)[None, :] > 0, p.lost_penalty, 0.0)

    def allowed(self, boxes_xyxy, cues: dict[str, np.ndarray], fused: np.ndarray,
                tracks: TrackCues) -> np.ndarray:
        """(N, M) bool: the pair passes every gate."""
        p = self.params
        boxes = geometry.as_boxes(boxes_xyxy)
        centres = 0.5 * (boxes[:, :2] + boxes[:, 2:])
        track_centres = 0.5 * (tracks.boxes_xyxy[:, :2] + tracks.boxes_xyxy[:, 2:])
        heights = np.maximum(tracks.boxes_xyxy[:, 3] - tracks.boxes_xyxy[:, 1], 1.0)
        reach = (p.distance_gate + p.distance_gate_growth * tracks.seconds_lost) * heights
        distance = np.linalg.norm(centres[:, None] - track_centres[None], axis=-1)
        ok = (distance <= reach[None, :]) | (cues["iou"] < 1.0)
        ok &= np.isfinite(fused) & (fused <= p.max_cost)
        lost = (np.asarray(tracks.seconds_lost) > 0)[None, :]
        if "appearance" in cues:  # a track seen last frame is placed; occluders change colours
            ok &= ~(lost & (cues["appearance"] > p.appearance_gate))   # NaN passes
        if "matcher_raw" in cues and p.matcher_gate is not None:
            ok &= ~(cues["matcher_raw"] > p.matcher_gate)
        return ok

    def assign(self, boxes_xyxy, keypoints, appearance, tracks: TrackCues) -> list[int | None]:
        """For each of the N candidates, the index of its track among the M, or None."""
        num_rows, num_cols = len(boxes_xyxy), len(tracks.boxes_xyxy)
        if num_rows == 0 or num_cols == 0:
            return [None] * num_rows
        cues = self.cues(boxes_xyxy, keypoints, appearance, tracks)
        fused = self.fused(cues, tracks.seconds_lost)
        ok = self.allowed(boxes_xyxy, cues, fused, tracks)
        match: list[int | None] = [None] * num_rows
        if self.same_person_oks is not None:
            seen = (np.asarray(tracks.seconds_lost) == 0)[None, :]
            sure = ok & seen & (cues["oks"] < 1.0 - self.same_person_oks)  # NaN: not sure
            for row, col in _solve(cues["oks"], sure):
                match[row] = col
                ok[row, :] = ok[:, col] = False
        for row, col in _solve(fused, ok):
            match[row] = col
        return match


def _solve(cost: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    """The (row, column) pairs of the minimum-cost assignment over the ``allowed`` pairs."""
    if not allowed.any():
        return []
    rows, cols = linear_sum_assignment(np.where(allowed, cost, FORBIDDEN))
    return [(row, col) for row, col in zip(rows.tolist(), cols.tolist()) if allowed[row, col]]

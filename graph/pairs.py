"""Training pairs for the SGCN mined from PoseTrack'18 annotation files (numpy, no framework).

Positives are one person in two nearby frames, negatives two people of one frame, hard
negatives two people of one frame whose boxes overlap (SPEC §5.4). Published bugs are fixed:
every track id is used (the original skipped the largest), and no broken hard-positive or
triplet variants are offered. A pair set is saved as a compressed ``.npz`` with ``graphs``
(P, 2, 2, 1, 15, 1) float32 (the two poses of each pair as SGCN input) and ``labels`` (P,)
int64 (1 = same person).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.skeleton import keypoints_to_graphs
from lib import geometry
from lib.errors import LightTrackError
from lib.formats.posetrack import annotations18, read_posetrack18
from lib.joints import JOINT_NAMES


@dataclass
class VideoPoses:
    """The annotated people of one video: P rows of ``image_ids`` (P,), ``track_ids`` (P,),
    ``keypoints`` (P, 15, 3) x, y, visibility and ``boxes_xywh`` (P, 4)."""

    image_ids: np.ndarray
    track_ids: np.ndarray
    keypoints: np.ndarray
    boxes_xywh: np.ndarray


def read_video_poses(path: str | Path, enlarge_scale: float = 0.2) -> VideoPoses:
    """People of one PoseTrack'18 file, read with the one PoseTrack'18 reader
    (``lib.formats.posetrack``). Without ``bbox`` the box is the keypoints' extent enlarged by
    ``enlarge_scale`` (published xywh); people without a track id, a visible keypoint or a box
    are left out."""
    document = read_posetrack18(str(path))
    try:
        people = annotations18(document)
    except (ValueError, KeyError, TypeError) as err:
        raise LightTrackError(f"{path} is not a PoseTrack'18 annotation file ({err!r})") from None
    rows = []
    for image_id, annotations in people.items():
        for ann in annotations:
            box = ann.box_xywh
            if box is None:
                box_xyxy = geometry.boxes_from_keypoints(ann.keypoints[None], enlarge_scale)[0]
                box = None if box_xyxy is None else geometry.xyxy_to_xywh(box_xyxy)
            if ann.track_id is not None and (ann.keypoints[:, 2] > 0).any() and box is not None:
                rows.append((int(image_id), int(ann.track_id), ann.keypoints, box))
    if not rows:
        return VideoPoses(np.zeros(0, np.int64), np.zeros(0, np.int64),
                          np.zeros((0, len(JOINT_NAMES), 3)), np.zeros((0, 4)))
    image_ids, track_ids, keypoints, boxes = zip(*rows)
    return VideoPoses(np.array(image_ids), np.array(track_ids), np.stack(keypoints),
                      np.asarray(boxes, dtype=np.float64))


def positive_pairs(video: VideoPoses, gap_limit: int = 2) -> np.ndarray:
    """(P, 2) row indices: each track's consecutive entries by image id, gap < ``gap_limit``."""
    order = np.lexsort((video.image_ids, video.track_ids))
    first, second = order[:-1], order[1:]
    gap = video.image_ids[second] - video.image_ids[first]
    same = video.track_ids[first] == video.track_ids[second]
    keep = same & (gap > 0) & (gap < gap_limit)
    return np.stack([first[keep], second[keep]], axis=1)


def negative_pairs(video: VideoPoses, hard_iou_thresh: float | None = None) -> np.ndarray:
    """(P, 2) row indices: every ordered pair of distinct tracks in one image (first entry of
    each); with ``hard_iou_thresh``, only pairs whose boxes overlap at least that much (+1 IoU)."""
    pairs = []
    for image_id in np.unique(video.image_ids):
        rows = np.flatnonzero(video.image_ids == image_id)
        rows = rows[np.unique(video.track_ids[rows], return_index=True)[1]]
        first, second = np.meshgrid(rows, rows, indexing="ij")
        keep = first != second
        if hard_iou_thresh is not None:
            corners, sizes = video.boxes_xywh[rows, :2], video.boxes_xywh[rows, 2:]
            boxes_xyxy = np.concatenate([corners, corners + sizes], axis=1)
            keep &= geometry.iou_matrix(boxes_xyxy, boxes_xyxy) >= hard_iou_thresh
        pairs.append(np.stack([first[keep], second[keep]], axis=1))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64)


def large_enough(video: VideoPoses, pairs: np.ndarray, min_box_size: float = 100) -> np.ndarray:
    """The pairs whose two boxes are both wider and taller than ``min_box_size`` pixels."""
    big = (video.boxes_xywh[:, 2] > min_box_size) & (video.boxes_xywh[:, 3] > min_box_size)
    return pairs[big[pairs[:, 0]] & big[pairs[:, 1]]]


def camera_jitter(keypoints: np.ndarray, boxes_xywh: np.ndarray, rng: np.random.Generator,
                  scale_range: tuple[float, float] = (0.7, 1.4), max_shift: float = 100.0):
    """Zoom each pose and its box about the box centre by U(scale_range) and shift both by
    U(-max_shift, max_shift) pixels per axis, as a camera zoom or pan would.

    keypoints (N, 15, 3), boxes_xywh (N, 4) -> the moved copies; joints with visibility 0 keep
    their annotated coordinates."""
    scale = rng.uniform(*scale_range, size=(len(boxes_xywh), 1))
    shift = rng.uniform(-max_shift, max_shift, size=(len(boxes_xywh), 2))
    centre = boxes_xywh[:, :2] + boxes_xywh[:, 2:] / 2
    moved = (keypoints[:, :, :2] - centre[:, None]) * scale[:, None] + (centre + shift)[:, None]
    keypoints = keypoints.copy()
    keypoints[:, :, :2] = np.where(keypoints[:, :, 2:] > 0, moved, keypoints[:, :, :2])
    corner = (boxes_xywh[:, :2] - centre) * scale + centre + shift
    return keypoints, np.concatenate([corner, boxes_xywh[:, 2:] * scale], axis=1)


def mine_pairs(videos: list[VideoPoses], *, negatives: str = "all", gap_limit: int = 2,
               hard_iou_thresh: float = 0.2, min_box_size: float = 100,
               rng: np.random.Generator | None = None, **jitter) -> tuple[np.ndarray, np.ndarray]:
    """Graphs (P, 2, 2, 1, 15, 1) and labels (P,) of every video's positives and negatives.

    negatives: "all" (two people of one frame) or "hard" (their boxes overlap >= IoU
    ``hard_iou_thresh``). With ``rng``, the second pose of every pair is moved by
    ``camera_jitter(..., **jitter)`` so that the pose matcher learns to ignore zoom and pan.
    """
    if negatives not in ("all", "hard"):
        raise ValueError(f"negatives must be 'all' or 'hard', got {negatives!r}")
    graphs, labels = [], []
    for video in videos:
        for label, pairs in ((1, positive_pairs(video, gap_limit)), (0, negative_pairs(
                video, hard_iou_thresh if negatives == "hard" else None))):
            pairs = large_enough(video, pairs, min_box_size)
            first_kps, first_boxes = video.keypoints[pairs[:, 0]], video.boxes_xywh[pairs[:, 0]]
            second_kps, second_boxes = video.keypoints[pairs[:, 1]], video.boxes_xywh[pairs[:, 1]]
            if rng is not None:
                second_kps, second_boxes = camera_jitter(second_kps, second_boxes, rng, **jitter)
            graphs.append(np.stack([keypoints_to_graphs(first_kps, first_boxes),
                                    keypoints_to_graphs(second_kps, second_boxes)], axis=1))
            labels.append(np.full(len(pairs), label, dtype=np.int64))
    if not graphs:
        return np.zeros((0, 2, 2, 1, len(JOINT_NAMES), 1), np.float32), np.zeros(0, np.int64)
    return np.concatenate(graphs), np.concatenate(labels)


def save_pairs(path: str | Path, graphs: np.ndarray, labels: np.ndarray) -> None:
    """Write a pair set as a compressed ``.npz`` (``graphs``, ``labels``)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, graphs=graphs.astype(np.float32), labels=labels.astype(np.int64))


def load_pairs(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(graphs (P, 2, 2, 1, V, 1) float32, labels (P,) int64) of a ``save_pairs`` file."""
    try:
        with np.load(path) as data:
            graphs, labels = data["graphs"].astype(np.float32), data["labels"].astype(np.int64)
    except (OSError, KeyError, ValueError) as err:
        raise LightTrackError(f"{path} is not a pair file of graph/make_pairs.py ({err}); "
                              "run graph/make_pairs.py --annotations DIR --out FILE") from None
    if graphs.ndim != 6 or graphs.shape[1:3] != (2, 2) or len(graphs) != len(labels):
        raise LightTrackError(f"{path}: graphs {graphs.shape} / labels {labels.shape} are not "
                              "(P, 2, 2, 1, V, 1) / (P,)")
    return graphs, labels

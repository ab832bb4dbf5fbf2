"""PoseTrack 2017 (``annolist``) and 2018 (COCO-like) annotation files: read, build, convert (no framework).

Keypoints inside LightTrack are (15, 3) arrays in the joint order of ``lib.joints`` (= PoseTrack
2017 order). PoseTrack'18 files hold 17 slots in ``POSETRACK18_KEYPOINTS`` order; the two ear
slots are always zero here. Boxes are xywh unless the name says otherwise.
"""
from __future__ import annotations

import json
import os

import numpy as np

from lib.joints import JOINT_NAMES, NUM_JOINTS, POSETRACK18_KEYPOINTS, SKELETON

NUM_SLOTS = len(POSETRACK18_KEYPOINTS)
#: SLOT_OF_JOINT[j] = the PoseTrack'18 slot of LightTrack joint j
SLOT_OF_JOINT = tuple(POSETRACK18_KEYPOINTS.index(name) for name in JOINT_NAMES)
#: official PoseTrack'18 image ids: 10000000000 + video number * 10000 + frame index
IMAGE_ID_BASE, IMAGE_ID_VIDEO_STRIDE = 10_000_000_000, 10_000


def image_id(video_number: int, frame_idx: int) -> int:
    """The PoseTrack'18 image id of frame ``frame_idx`` of video ``video_number``."""
    return IMAGE_ID_BASE + video_number * IMAGE_ID_VIDEO_STRIDE + frame_idx


def person_category() -> dict:
    """The one PoseTrack'18 category: ``person`` with the 17 slot names and a 1-based skeleton."""
    skeleton = [[SLOT_OF_JOINT[a] + 1, SLOT_OF_JOINT[b] + 1] for (a, b), _ in SKELETON]
    return {"supercategory": "person", "id": 1, "name": "person",
            "keypoints": list(POSETRACK18_KEYPOINTS), "skeleton": skeleton}


def keypoints_to_slots(keypoints: np.ndarray) -> np.ndarray:
    """(15, 3) LightTrack keypoints -> (17, 3) PoseTrack'18 slots; the ear slots stay zero."""
    kps = np.asarray(keypoints, dtype=np.float64).reshape(NUM_JOINTS, 3)
    slots = np.zeros((NUM_SLOTS, 3))
    slots[list(SLOT_OF_JOINT)] = kps
    return slots


def keypoints_from_slots(slots, names=POSETRACK18_KEYPOINTS) -> np.ndarray:
    """PoseTrack'18 ``keypoints`` (flat or (S, 3)) named by ``names`` -> (15, 3) LightTrack order.

    Raises ValueError when a LightTrack joint name is missing from ``names``.
    """
    arr = np.asarray(slots, dtype=np.float64).reshape(len(names), 3)
    index = {name: i for i, name in enumerate(names)}
    missing = [name for name in JOINT_NAMES if name not in index]
    if missing:
        raise ValueError(f"keypoint names lack {', '.join(missing)}")
    return arr[[index[name] for name in JOINT_NAMES]]


def _round(values, digits: int = 2) -> list:
    """Plain JSON numbers (ints stay ints)."""
    out = []
    for v in np.round(np.asarray(values, dtype=np.float64).reshape(-1), digits).tolist():
        out.append(int(v) if float(v).is_integer() else v)
    return out


def annotation18(*, ann_id: int, image: int, track_id: int, keypoints: np.ndarray,
                 box_xywh=None, head_box_xywh=None, scores=None) -> dict:
    """One PoseTrack'18 annotation from (15, 3) keypoints (x, y, visibility).

    ``scores`` (15,) adds the per-slot ``scores`` list that predictions carry.
    """
    ann = {"id": int(ann_id), "image_id": int(image), "category_id": 1, "track_id": int(track_id),
           "keypoints": _round(keypoints_to_slots(keypoints))}
    if scores is not None:
        slot_scores = np.zeros(NUM_SLOTS)
        slot_scores[list(SLOT_OF_JOINT)] = np.asarray(scores, dtype=np.float64)
        ann["scores"] = _round(slot_scores, 4)
    if box_xywh is not None:
        ann["bbox"] = _round(box_xywh)
    if head_box_xywh is not None:
        ann["bbox_head"] = _round(head_box_xywh)
    return ann


def write_json(path: str, document) -> None:
    """Write ``document`` as compact JSON, creating the parent folder."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))

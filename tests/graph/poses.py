"""Hand-made human poses and PoseTrack'18 files for the graph tests (numpy only)."""
from __future__ import annotations

import json

import numpy as np

from lib.formats.posetrack import keypoints_to_slots

# a standing person, x right / y down, in units of body height, origin at the hip centre
STANDING = np.array([
    [-0.08, 0.50], [-0.08, 0.25], [-0.08, 0.0], [0.08, 0.0], [0.08, 0.25], [0.08, 0.50],
    [-0.20, 0.0], [-0.18, -0.15], [-0.13, -0.30], [0.13, -0.30], [0.18, -0.15], [0.20, 0.0],
    [0.0, -0.33], [0.0, -0.40], [0.0, -0.50]])
ARMS_UP = STANDING.copy()
ARMS_UP[[6, 7, 10, 11]] = [[-0.25, -0.60], [-0.20, -0.45], [0.20, -0.45], [0.25, -0.60]]


def pose(shape: np.ndarray, cx: float, cy: float, height: float) -> np.ndarray:
    """(15, 3) keypoints of ``shape`` with its hip centre at (cx, cy), scores 1."""
    return np.column_stack([cx + shape[:, 0] * height, cy + shape[:, 1] * height,
                            np.ones(len(shape))])


def random_shape(rng: np.random.Generator, noise: float = 0.05) -> np.ndarray:
    """A standing or arms-up shape with every joint moved by N(0, ``noise``) body heights."""
    base = ARMS_UP if rng.uniform() < 0.5 else STANDING
    return base + rng.normal(0.0, noise, size=base.shape)


def posetrack18_annotation(keypoints: np.ndarray, image_id: int, track_id: int,
                           bbox: list | None = None) -> dict:
    """One PoseTrack'18 annotation: 17 slots filled by joint name (ears empty)."""
    slots = keypoints_to_slots(keypoints)
    ann = {"image_id": image_id, "track_id": track_id, "keypoints": slots.ravel().tolist()}
    if bbox is not None:
        ann["bbox"] = list(bbox)
    return ann


def write_posetrack18(path, annotations: list[dict]) -> None:
    image_ids = sorted({a["image_id"] for a in annotations})
    images = [{"id": i, "file_name": f"images/val/v/{i:06d}.jpg"} for i in image_ids]
    path.write_text(json.dumps({"images": images, "annotations": annotations}))

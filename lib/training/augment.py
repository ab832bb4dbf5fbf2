"""Training crop and the four published augmentations of each crop (SPEC §3.7; numpy + OpenCV).

Images here are network crops: float32 (H, W, 3), BGR, mean-subtracted and divided by 255, so
a zero border is the mean colour. Joints are (K, 3) rows x, y, valid in crop pixels; a joint
that is not annotated sits at x = y = ``MISSING`` (far outside every image).
"""
from __future__ import annotations

import cv2
import numpy as np

from lib.joints import FLIP_PAIRS
from lib.pose.crop import TRAIN_EXTRA_SCALE, crop_person

MISSING = -1e6  # published position of unannotated joints
ZOOM_RANGE = (0.7, 1.35)  # published scale_factor
ZOOM_DIVISOR = 1.25  # the zoom window is half-size·r/1.25, capped at the whole crop
MAX_ROTATION = 45.0  # degrees, either sign


def training_crop(image: np.ndarray, box_xywh, joints: np.ndarray,
                  extra_scale: float = TRAIN_EXTRA_SCALE) -> tuple[np.ndarray, np.ndarray]:
    """The published training crop (the test crop of SPEC §3.2 enlarged ×1.25).

    image: BGR (H, W, 3) uint8; joints (K, 3) x, y, valid in image pixels ->
    (crop float32 (384, 288, 3) normalised, joints (K, 3) in crop pixels; valid-0 joints at
    ``MISSING``), mapped as published: x' = (x − x0)·288/(x1 − x0).
    """
    crop, (x0, y0, x1, y1) = crop_person(image, box_xywh, extra_scale)
    height, width = crop.shape[:2]
    out = np.array(joints, np.float64)
    out[:, 0] = (out[:, 0] - x0) * width / (x1 - x0)
    out[:, 1] = (out[:, 1] - y0) * height / (y1 - y0)
    out[out[:, 2] == 0, :2] = MISSING
    return crop, out


def _inside(joints: np.ndarray, width: int, height: int) -> np.ndarray:
    return ((joints[:, 0] >= 0) & (joints[:, 0] < width)
            & (joints[:, 1] >= 0) & (joints[:, 1] < height))


def zoom(crop: np.ndarray, joints: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut the centred window of half-size min(W/2, W/2/1.25·ratio) (likewise H), integer
    bounds with +1 on the upper one as published, and resize it back to W×H.

    Joints follow the exact map of that cut and resize (the original scaled about the centre
    by the nominal half-size); joints leaving the crop lose their validity.
    """
    height, width = crop.shape[:2]
    cx, cy = width / 2, height / 2
    half_w = min(width - cx, (width - cx) / ZOOM_DIVISOR * ratio)
    half_h = min(height - cy, (height - cy) / ZOOM_DIVISOR * ratio)
    x0, x1 = int(cx - half_w), int(cx + half_w + 1)
    y0, y1 = int(cy - half_h), int(cy + half_h + 1)
    image = cv2.resize(crop[y0:y1, x0:x1], (width, height))
    x1, y1 = min(x1, width), min(y1, height)  # the slice stops at the crop's edge
    out = np.array(joints, np.float64)
    out[:, 0] = (out[:, 0] - x0 + 0.5) * width / (x1 - x0) - 0.5
    out[:, 1] = (out[:, 1] - y0 + 0.5) * height / (y1 - y0) - 0.5
    out[~_inside(out, width, height), 2] = 0
    return image, out


def mirror(crop: np.ndarray, joints: np.ndarray, flip_pairs=FLIP_PAIRS):
    """Left-right flip: x -> W − 1 − x for joints with x ≥ 0; left/right joints swapped."""
    width = crop.shape[1]
    out = np.array(joints, np.float64)
    present = out[:, 0] >= 0
    out[present, 0] = width - 1 - out[present, 0]
    for left, right in flip_pairs:
        out[[left, right]] = out[[right, left]]
    return cv2.flip(crop, 1), out


def rotate(crop: np.ndarray, joints: np.ndarray, angle: float):
    """Rotate by ``angle`` degrees (counter-clockwise, OpenCV's sign) about the crop centre;
    the border is zero (the mean colour). Joints with x, y ≥ 0 move; those leaving lose
    their validity."""
    height, width = crop.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    image = cv2.warpAffine(crop, matrix, (width, height))
    out = np.array(joints, np.float64)
    present = (out[:, 0] >= 0) & (out[:, 1] >= 0)
    out[present, :2] = out[present, :2] @ matrix[:, :2].T + matrix[:, 2]
    out[present & ~_inside(out, width, height), 2] = 0
    return image, out


def augment(crop: np.ndarray, joints: np.ndarray, rng: np.random.Generator, *,
            zoom_range=ZOOM_RANGE, max_rotation: float = MAX_ROTATION, num_rotations: int = 2):
    """The published four samples of one crop: zoom, its mirror, and two random rotations of
    the zoom (the un-zoomed crop is not kept).

    crop float32 (H, W, 3), joints (K, 3) -> (images (4, H, W, 3), joints (4, K, 3)).
    """
    zoomed, zoomed_joints = zoom(crop, joints, rng.uniform(*zoom_range))
    images, all_joints = [zoomed], [zoomed_joints]
    flipped = mirror(zoomed, zoomed_joints)
    images.append(flipped[0])
    all_joints.append(flipped[1])
    for _ in range(num_rotations):
        angle = rng.uniform(0, max_rotation) * rng.choice((-1, 1))
        image, rotated = rotate(zoomed, zoomed_joints, angle)
        images.append(image)
        all_joints.append(rotated)
    return np.stack(images), np.stack(all_joints)

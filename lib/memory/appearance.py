"""A cheap appearance cue for re-identification (numpy + cv2): colour histograms of the torso
and the upper legs, placed by the pose, compared with the Bhattacharyya distance.

A descriptor is an (R, B) array: one normalised histogram per region (R = 2: torso, legs), rows
of zeros for a region the pose does not show. A pixel falls in one of ``HUE_BINS`` ×
``SATURATION_BINS`` colour bins when it is saturated enough to have a hue, else in one of
``VALUE_BINS`` grey levels (black, grey and white clothes stay apart).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# joints (PoseTrack order, lib/joints.py) that outline each region
TORSO_JOINTS = (8, 9, 2, 3)    # shoulders and hips
LEGS_JOINTS = (2, 3, 1, 4)     # hips and knees (trousers, skirt)
REGIONS = (TORSO_JOINTS, LEGS_JOINTS)
HUE_BINS, SATURATION_BINS, VALUE_BINS = 8, 3, 4
NUM_BINS = HUE_BINS * SATURATION_BINS + VALUE_BINS


@dataclass(frozen=True)
class AppearanceParams:
    """The appearance cue's named constants.

    score_thresh: a region is used only when all its joints score above this.
    min_width: a region is at least this fraction of its height wide (a side view's torso is a
        thin line of joints); it is also shrunk by ``inset`` of its size on each side, so the
        background next to the body counts less.
    min_saturation: HSV saturation (0-255) from which a pixel has a usable hue.
    max_pixels: a region is subsampled to about this many pixels (cost stays flat with size).
    min_pixels: a region with fewer pixels inside the image is not used.
    update_rate: weight of a new observation in a track's running descriptor.
    """

    score_thresh: float = 0.3
    min_width: float = 0.5
    inset: float = 0.1
    min_saturation: int = 48
    max_pixels: int = 1024
    min_pixels: int = 16
    update_rate: float = 0.3


def region_box(keypoints: np.ndarray, joints, params: AppearanceParams):
    """(x1, y1, x2, y2) integer pixel box of one region of a pose (K, 3), or None."""
    points = keypoints[list(joints)]
    if not (points[:, 2] > params.score_thresh).all() or not np.isfinite(points).all():
        return None
    x1, y1 = points[:, :2].min(axis=0)
    x2, y2 = points[:, :2].max(axis=0)
    height = y2 - y1
    if height <= 0:
        return None
    centre_x, half_width = 0.5 * (x1 + x2), 0.5 * max(x2 - x1, params.min_width * height)
    inset_x, inset_y = params.inset * half_width, params.inset * height
    return (int(centre_x - half_width + inset_x), int(y1 + inset_y),
            int(np.ceil(centre_x + half_width - inset_x)), int(np.ceil(y2 - inset_y)))


def histogram(image: np.ndarray, box, params: AppearanceParams) -> np.ndarray | None:
    """Normalised (NUM_BINS,) histogram of a BGR image inside ``box``; None if too small."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = max(box[0], 0), max(box[1], 0), min(box[2], width), min(box[3], height)
    if (x2 - x1) * (y2 - y1) < params.min_pixels:
        return None
    step = max(1, int(np.sqrt((x2 - x1) * (y2 - y1) / params.max_pixels)))
    crop = np.ascontiguousarray(image[y1:y2:step, x1:x2:step])
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.int64)
    hue, saturation, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    colour = saturation >= params.min_saturation
    span = 256 - params.min_saturation
    colour_bin = (hue * HUE_BINS // 180) * SATURATION_BINS \
        + np.minimum((saturation - params.min_saturation) * SATURATION_BINS // span,
                     SATURATION_BINS - 1)
    grey_bin = HUE_BINS * SATURATION_BINS + value * VALUE_BINS // 256
    counts = np.bincount(np.where(colour, colour_bin, grey_bin), minlength=NUM_BINS)
    return counts / counts.sum()


def describe(image: np.ndarray, keypoints: np.ndarray, params: AppearanceParams) -> np.ndarray:
    """Descriptors (N, R, NUM_BINS) of N poses (N, K, 3) in a BGR (H, W, 3) image; a region
    that cannot be seen is a row of zeros."""
    out = np.zeros((len(keypoints), len(REGIONS), NUM_BINS))
    for n, pose in enumerate(np.asarray(keypoints, dtype=np.float64)):
        for r, joints in enumerate(REGIONS):
            box = region_box(pose, joints, params)
            hist = None if box is None else histogram(image, box, params)
            if hist is not None:
                out[n, r] = hist
    return out


def distances(descriptors_a: np.ndarray, descriptors_b: np.ndarray) -> np.ndarray:
    """(Na, Nb) Bhattacharyya distance sqrt(1 - sum sqrt(p q)) in [0, 1], averaged over the
    regions present in both; NaN for a pair that shares no region."""
    a, b = np.asarray(descriptors_a), np.asarray(descriptors_b)
    coefficient = np.einsum("irk,jrk->ijr", np.sqrt(a), np.sqrt(b))           # (Na, Nb, R)
    both = (a.sum(-1) > 0)[:, None, :] & (b.sum(-1) > 0)[None, :, :]
    per_region = np.sqrt(np.clip(1.0 - coefficient, 0.0, 1.0))
    count = both.sum(-1)
    total = np.where(both, per_region, 0.0).sum(-1)
    return np.divide(total, count, out=np.full(count.shape, np.nan), where=count > 0)


def update(running: np.ndarray | None, observed: np.ndarray, rate: float) -> np.ndarray:
    """A track's running descriptor (R, B) after one observation (R, B): an exponential
    average per region; a region seen for the first time takes the observation, a region not
    observed keeps its running value."""
    if running is None:
        return observed.copy()
    seen_before, seen_now = running.sum(-1) > 0, observed.sum(-1) > 0
    blended = np.where(seen_before[:, None], (1 - rate) * running + rate * observed, observed)
    return np.where(seen_now[:, None], blended, running)

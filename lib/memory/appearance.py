"""A cheap appearance cue for re-identification (numpy + cv2): colour histograms of the torso
and the upper legs, placed by the pose, compared with the Bhattacharyya distance.

A descriptor is an (R, B) array: one normalised histogram per region (R = 2: torso, legs), rows
of zeros for a region the pose does not show. A pixel falls in one of ``HUE_BINS`` ×
``SATURATION_BINS`` colour bins when it is saturated enough to have a hue, else in one of
``VALUE_BINS`` grey levels (black, grey and white clothes stay apart).
"""
from __future__ import annotations

import functools
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
    max_pixels: a region is subsampled to about this many pixels (cost stays flat with size);
        colours are binned through a table of 32 levels per channel (``bin_table``).
    min_pixels: a region with fewer pixels inside the image is not used.
    update_rate: weight of a new observation in a track's running descriptor.
    """

    score_thresh: float = 0.3
    min_width: float = 0.5
    inset: float = 0.1
    min_saturation: int = 48
    max_pixels: int = 256
    min_pixels: int = 16
    update_rate: float = 0.3


def region_boxes(keypoints: np.ndarray, params: AppearanceParams) -> np.ndarray:
    """(N, R, 4) xyxy float boxes of the regions of N poses (N, K, 3); NaN rows for a region
    whose joints are not all seen (score above ``score_thresh``) or that has no height."""
    kps = np.asarray(keypoints, dtype=np.float64).reshape(len(keypoints), -1, 3)
    boxes = np.full((len(kps), len(REGIONS), 4), np.nan)
    for r, joints in enumerate(REGIONS):
        points = kps[:, list(joints)]                                          # (N, J, 3)
        seen = (points[..., 2] > params.score_thresh).all(axis=1) & \
            np.isfinite(points).all(axis=(1, 2))
        low, high = points[..., :2].min(axis=1), points[..., :2].max(axis=1)  # (N, 2)
        height = high[:, 1] - low[:, 1]
        centre_x = 0.5 * (low[:, 0] + high[:, 0])
        half_width = 0.5 * np.maximum(high[:, 0] - low[:, 0], params.min_width * height)
        inset_x, inset_y = params.inset * half_width, params.inset * height
        box = np.stack([centre_x - half_width + inset_x, low[:, 1] + inset_y,
                        centre_x + half_width - inset_x, high[:, 1] - inset_y], axis=1)
        boxes[:, r] = np.where((seen & (height > 0))[:, None], box, np.nan)
    return boxes


@functools.lru_cache(maxsize=4)
def bin_table(min_saturation: int) -> np.ndarray:
    """(32, 32, 32) histogram bin of every BGR colour quantised to 5 bits per channel (the
    centre of each cell converted once with OpenCV's HSV)."""
    levels = (np.arange(32) * 8 + 4).astype(np.uint8)
    blue, green, red = np.meshgrid(levels, levels, levels, indexing="ij")
    bgr = np.stack([blue, green, red], axis=-1).reshape(1, -1, 3)
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.int64)
    hue, saturation, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    span = 256 - min_saturation
    colour_bin = (hue * HUE_BINS // 180) * SATURATION_BINS \
        + np.minimum((saturation - min_saturation) * SATURATION_BINS // span,
                     SATURATION_BINS - 1)
    grey_bin = HUE_BINS * SATURATION_BINS + value * VALUE_BINS // 256
    return np.where(saturation >= min_saturation, colour_bin, grey_bin).reshape(32, 32, 32)


def describe(image: np.ndarray, keypoints: np.ndarray, params: AppearanceParams) -> np.ndarray:
    """Descriptors (N, R, NUM_BINS) of N poses (N, K, 3) in a BGR (H, W, 3) uint8 image; a
    region that cannot be seen, or holds fewer than ``min_pixels`` pixels, is a row of
    zeros. A region is subsampled to about ``max_pixels`` pixels."""
    out = np.zeros((len(keypoints), len(REGIONS), NUM_BINS))
    boxes = region_boxes(keypoints, params)
    usable = np.isfinite(boxes).all(axis=-1)
    if not usable.any():
        return out
    table = bin_table(params.min_saturation)
    height, width = image.shape[:2]
    for n, r in zip(*np.nonzero(usable)):
        x1, y1, x2, y2 = boxes[n, r].tolist()
        x1, y1 = max(int(x1), 0), max(int(y1), 0)
        x2, y2 = min(int(np.ceil(x2)), width), min(int(np.ceil(y2)), height)
        area = (x2 - x1) * (y2 - y1)
        if x2 <= x1 or y2 <= y1 or area < params.min_pixels:
            continue
        step = max(1, int(np.sqrt(area / params.max_pixels)))
        quantised = image[y1:y2:step, x1:x2:step] >> 3
        bins = table[quantised[..., 0], quantised[..., 1], quantised[..., 2]]
        out[n, r] = np.bincount(bins.ravel(), minlength=NUM_BINS) / bins.size
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

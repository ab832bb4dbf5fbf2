"""Flip test and peak decoding of the published heat-map pose networks (SPEC §3.6; numpy + OpenCV).

Heat-maps are NHWC (N, h, w, K) on the published 0-255 scale (h, w = 96, 72 for a 384×288
input); keypoints come back as (N, K, 3) x, y, score in image pixels.
"""
from __future__ import annotations

import cv2
import numpy as np

from lib.joints import FLIP_PAIRS
from lib.pose.crop import INPUT_SIZE

BLUR_CHUNK = 510  # OpenCV filters take at most 512 channels at once


def flip_back(heatmaps: np.ndarray, flip_pairs=FLIP_PAIRS) -> np.ndarray:
    """Heat-maps of mirrored crops -> heat-maps of the unmirrored crops: (N, h, w, K) mirrored
    left-right with the left/right joint channels swapped; no pixel shift (published)."""
    order = np.arange(heatmaps.shape[-1])
    for a, b in flip_pairs:
        order[a], order[b] = b, a
    return heatmaps[:, :, ::-1, order]


def flip_average(heatmaps: np.ndarray, flipped_heatmaps: np.ndarray,
                 flip_pairs=FLIP_PAIRS) -> np.ndarray:
    """The flip-test result: mean of (N, h, w, K) heat-maps and the flipped-back heat-maps of the
    mirrored crops -> (N, h, w, K)."""
    return (heatmaps + flip_back(flipped_heatmaps, flip_pairs)) / 2


def _blurred_peaks(heatmaps: np.ndarray, border: int, kernel: int) -> tuple[np.ndarray, ...]:
    """First and second argmax (y, x) of every normalised, zero-padded, blurred channel.
    heatmaps (N, h, w, K) -> four (N, K) int arrays y, x, y2, x2 in padded pixels."""
    num, h, w, k = heatmaps.shape
    peak = heatmaps.max(axis=(1, 2), keepdims=True)
    padded = np.zeros((h + 2 * border, w + 2 * border, num * k), np.float64)
    normalised = np.moveaxis(heatmaps / peak, 0, 2).reshape(h, w, num * k)
    padded[border:border + h, border:border + w] = normalised
    for start in range(0, num * k, BLUR_CHUNK):
        chunk = np.ascontiguousarray(padded[:, :, start:start + BLUR_CHUNK])
        padded[:, :, start:start + BLUR_CHUNK] = cv2.GaussianBlur(
            chunk, (kernel, kernel), 0).reshape(chunk.shape)
    flat = padded.reshape(-1, num * k)
    first = flat.argmax(axis=0)
    flat[first, np.arange(num * k)] = 0
    second = flat.argmax(axis=0)
    width = w + 2 * border
    return tuple(a.reshape(num, k) for a in
                 (first // width, first % width, second // width, second % width))


def decode_heatmaps(heatmaps: np.ndarray, details: np.ndarray, *, input_size=INPUT_SIZE,
                    border: int = 10, kernel: int = 21, shift: float = 0.25,
                    decimals: int = 3) -> np.ndarray:
    """Keypoints from flip-averaged heat-maps, as published.

    heatmaps: (N, h, w, K) on the 0-255 scale; details: (N, 4) crop boxes [x0, y0, x1, y1] in
    image pixels -> keypoints (N, K, 3) x, y in image pixels and score = heat-map value / 255 +
    0.5 at the peak, rounded to ``decimals``. Per channel: divide by its maximum, zero-pad by
    ``border``, Gaussian blur ``kernel``×``kernel`` (OpenCV's automatic sigma), take the argmax,
    move it ``shift`` pixels toward the second maximum, clamp, map ``4x + 2`` into the crop.
    """
    heatmaps = np.asarray(heatmaps, np.float64)
    details = np.asarray(details, np.float64).reshape(-1, 4)
    num, h, w, k = heatmaps.shape
    if num == 0:
        return np.zeros((0, k, 3))
    y, x, y2, x2 = _blurred_peaks(heatmaps, border, kernel)
    dy, dx = (y2 - y).astype(np.float64), (x2 - x).astype(np.float64)
    length = np.hypot(dx, dy)
    step = np.where(length > 1e-3, shift / np.maximum(length, 1e-3), 0.0)
    x = np.clip(x - border + step * dx, 0, w - 1)
    y = np.clip(y - border + step * dy, 0, h - 1)
    rows, cols = np.rint(y).astype(int), np.rint(x).astype(int)
    scores = heatmaps[np.arange(num)[:, None], rows, cols, np.arange(k)] / 255 + 0.5
    stride_y, stride_x = input_size[0] / h, input_size[1] / w
    x_in, y_in = x * stride_x + stride_x / 2, y * stride_y + stride_y / 2
    x0, y0, x1, y1 = (details[:, i:i + 1] for i in range(4))
    keypoints = np.stack([x_in / input_size[1] * (x1 - x0) + x0,
                          y_in / input_size[0] * (y1 - y0) + y0, scores], axis=2)
    return np.round(keypoints, decimals)

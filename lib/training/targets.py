"""Gaussian heat-map targets for the pose networks (SPEC §3.7 ``joints_heatmap_gen``; numpy + OpenCV)."""
from __future__ import annotations

import cv2
import numpy as np

from lib.pose.crop import INPUT_SIZE
HEATMAP_SIZE = (96, 72)  # network output (H, W), stride 4
# published kernel sizes gk15, gk11, gk9, gk7 (cv2.GaussianBlur, sigma 0 -> 3.8, 2.9, 2.3, 1.7)
KERNELS = (23, 17, 13, 9)
PEAK = 255.0  # targets are rescaled so that each map's maximum is this


def heatmap_targets(joints: np.ndarray, kernels=KERNELS, *, input_size=INPUT_SIZE,
                    heatmap_size=HEATMAP_SIZE, peak: float = PEAK) -> np.ndarray:
    """Targets for joints in input-crop pixels.

    joints: (N, K, 2+) x, y (extra columns ignored) -> heatmaps (L, N, h, w, K) float32 with
    L = len(kernels). Each joint with x ≥ 0 and y ≥ 0 is clamped to the input, put as a 1 at
    [int(y·h/H), int(x·w/W)], blurred (kernel k×k, sigma 0) and rescaled to a maximum of
    ``peak``; other joints give all-zero maps (validity masks them in the loss).
    """
    (in_h, in_w), (out_h, out_w) = input_size, heatmap_size
    joints = np.asarray(joints, np.float64)
    num, num_joints = joints.shape[:2]
    deltas = np.zeros((num, out_h, out_w, num_joints), np.float32)
    n_idx, k_idx = np.nonzero((joints[..., 0] >= 0) & (joints[..., 1] >= 0))
    xs = np.minimum(joints[n_idx, k_idx, 0], in_w - 1)
    ys = np.minimum(joints[n_idx, k_idx, 1], in_h - 1)
    deltas[n_idx, (ys * out_h / in_h).astype(int), (xs * out_w / in_w).astype(int), k_idx] = 1
    levels = np.empty((len(kernels), num, out_h, out_w, num_joints), np.float32)
    for level, size in enumerate(kernels):
        for n in range(num):
            levels[level, n] = cv2.GaussianBlur(deltas[n], (size, size), 0).reshape(
                out_h, out_w, num_joints)
    peaks = levels.max(axis=(2, 3), keepdims=True)
    scale = np.where(peaks > 1e-8, peak / np.maximum(peaks, 1e-8), 1.0)
    return levels * scale

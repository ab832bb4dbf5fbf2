"""The published person crop for the heat-map pose networks (SPEC §3.2; numpy + OpenCV).

A box is widened by 20 % and heightened by 30 %, fitted to the 3:4 input aspect around its
centre, cut from the image padded by max(H, W) with the mean colour, resized to 288×384 and
normalised (BGR minus the pixel means, divided by 255). ``details`` is the crop box in image
pixels, which maps heat-map points back (``lib.pose.heatmaps.decode_heatmaps``).
"""
from __future__ import annotations

import cv2
import numpy as np

PIXEL_MEANS_BGR = (102.9801, 115.9465, 122.7717)  # published pixel_means, BGR
INPUT_SIZE = (384, 288)  # network input (H, W)
BORDER_X, BORDER_Y = 0.1, 0.15  # published imgExtXBorder / imgExtYBorder, per side
TRAIN_EXTRA_SCALE = 1.25  # the further enlargement the training crop applies


def crop_corners(box_xywh, image_shape, extra_scale: float = 1.0, *, input_size=INPUT_SIZE,
                 border_x: float = BORDER_X, border_y: float = BORDER_Y) -> tuple[int, ...]:
    """Integer crop corners (min_x, min_y, max_x, max_y) in the padded image's pixels.

    box_xywh: [x, y, w, h] in image pixels; image_shape: (H, W, ...). The image is padded by
    ``max(H, W)`` on every side (SPEC §3.2 steps 2-6, including the four clamps and ``int()``).
    """
    in_h, in_w = input_size
    height, width = image_shape[:2]
    add = max(height, width)
    x, y, w, h = (float(v) for v in box_xywh)
    crop_w = w * (1 + 2 * border_x) * extra_scale
    crop_h = h * (1 + 2 * border_y) * extra_scale
    cx, cy = x + add + w / 2, y + add + h / 2
    size, ref = (crop_h, in_h) if crop_h / in_h > crop_w / in_w else (crop_w, in_w)
    pad_w, pad_h = width + 2 * add, height + 2 * add
    size = min(size, cx / in_w * ref * 2 - 1, (pad_w - cx) / in_w * ref * 2 - 1,
               cy / in_h * ref * 2 - 1, (pad_h - cy) / in_h * ref * 2 - 1)
    half_w, half_h = size / 2 / ref * in_w, size / 2 / ref * in_h
    return int(cx - half_w), int(cy - half_h), int(cx + half_w), int(cy + half_h)


def padded_window(image: np.ndarray, corners, fill) -> np.ndarray:
    """``padded[min_y:max_y, min_x:max_x]`` of ``image`` padded by max(H, W) with ``fill``,
    without building the padded image. image: (H, W, C) uint8 -> (h, w, C) uint8."""
    height, width = image.shape[:2]
    add = max(height, width)
    limits = (width + 2 * add, height + 2 * add) * 2
    x0, y0, x1, y1 = (min(max(c, 0), lim) for c, lim in zip(corners, limits))
    window = np.empty((max(y1 - y0, 0), max(x1 - x0, 0), image.shape[2]), image.dtype)
    window[:] = fill
    sx0, sy0 = max(x0 - add, 0), max(y0 - add, 0)
    sx1, sy1 = min(x1 - add, width), min(y1 - add, height)
    if sx1 > sx0 and sy1 > sy0:
        window[sy0 + add - y0:sy1 + add - y0, sx0 + add - x0:sx1 + add - x0] = \
            image[sy0:sy1, sx0:sx1]
    return window


def crop_person(image: np.ndarray, box_xywh, extra_scale: float = 1.0, *,
                input_size=INPUT_SIZE, border_x: float = BORDER_X, border_y: float = BORDER_Y,
                pixel_means=PIXEL_MEANS_BGR) -> tuple[np.ndarray, np.ndarray]:
    """Network input for one person.

    image: BGR (H, W, 3) uint8; box_xywh: [x, y, w, h]; ``extra_scale`` 1.0 at test time,
    ``TRAIN_EXTRA_SCALE`` for training -> (crop float32 (384, 288, 3) BGR normalised,
    details float64 (4,) = crop box [x0, y0, x1, y1] in image pixels). A crop that falls
    entirely outside the padded image comes back as the mean colour (all zeros).
    """
    in_h, in_w = input_size
    corners = crop_corners(box_xywh, image.shape, extra_scale, input_size=input_size,
                           border_x=border_x, border_y=border_y)
    # the published border is cv2.copyMakeBorder's value, saturated to uint8
    fill = np.clip(np.rint(pixel_means), 0, 255).astype(image.dtype)
    window = padded_window(image, corners, fill)
    if window.size == 0:
        crop = np.zeros((in_h, in_w, 3), np.float32)
    else:
        resized = cv2.resize(window, (in_w, in_h), interpolation=cv2.INTER_LINEAR)
        crop = ((resized - np.asarray(pixel_means)) / 255).astype(np.float32)
    add = max(image.shape[:2])
    return crop, np.asarray(corners, np.float64) - add


def crop_persons(image: np.ndarray, boxes_xywh: np.ndarray,
                 extra_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``crop_person`` for every box: boxes_xywh (N, 4) -> (crops (N, 384, 288, 3) float32,
    details (N, 4))."""
    pairs = [crop_person(image, box, extra_scale) for box in np.asarray(boxes_xywh)]
    if not pairs:
        return np.zeros((0, *INPUT_SIZE, 3), np.float32), np.zeros((0, 4))
    crops, details = zip(*pairs)
    return np.stack(crops), np.stack(details)

"""YOLOv3 pre- and post-processing as published: letterbox, merge-NMS, back-projection (numpy, cv2).

Boxes of the network ("predictions") are in letterbox pixels of the ``input_size`` square; the
detector hands back boxes in frame pixels. Columns of a prediction row: centre x, centre y,
width, height, objectness, then one independent probability per class.
"""
from __future__ import annotations

import cv2
import numpy as np

from lib.geometry import iou_matrix

INPUT_SIZE = 416
PAD_VALUE = 127  # published 127.5, cast to uint8 by np.pad
OBJECTNESS_THRESH = 0.8
NMS_IOU_THRESH = 0.4
PERSON_CLASS = 0


def letterbox(image_bgr: np.ndarray, input_size: int = INPUT_SIZE,
              pad_value: int = PAD_VALUE) -> np.ndarray:
    """BGR (H, W, 3) uint8 -> network input (1, 3, S, S) float32, RGB in [0, 1].

    The short side is padded to a square with ``pad_value`` (``diff // 2`` before, the rest
    after), then the square is resized to ``input_size`` with ``INTER_AREA``.
    """
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    diff = abs(height - width)
    before, after = diff // 2, diff - diff // 2
    pad = [(0, 0), (0, 0), (0, 0)]
    pad[0 if height <= width else 1] = (before, after)
    square = np.pad(rgb, pad, mode="constant", constant_values=pad_value)
    resized = cv2.resize(square, (input_size, input_size), interpolation=cv2.INTER_AREA)
    return (resized.transpose(2, 0, 1)[None].astype(np.float32) / np.float32(255.0))


def merge_nms(predictions: np.ndarray, objectness_thresh: float = OBJECTNESS_THRESH,
              nms_iou_thresh: float = NMS_IOU_THRESH) -> np.ndarray:
    """Published same-class merge-NMS. predictions (R, 5 + C) -> detections (D, 7) as
    x1, y1, x2, y2, objectness, class probability, class, in letterbox pixels.

    Rows with objectness >= ``objectness_thresh`` are sorted by objectness × best class
    probability. The top row absorbs every row of its class whose IoU (+1 convention) with it
    is above ``nms_iou_thresh``: its box becomes their objectness-weighted mean.
    """
    predictions = np.asarray(predictions, dtype=np.float64)
    rows = predictions[predictions[:, 4] >= objectness_thresh]
    if not len(rows):
        return np.zeros((0, 7))
    class_probs = rows[:, 5:]
    best_class = class_probs.argmax(axis=1)
    best_prob = class_probs[np.arange(len(rows)), best_class]
    centre, size = rows[:, :2], rows[:, 2:4]
    detections = np.column_stack([centre - size / 2, centre + size / 2, rows[:, 4], best_prob,
                                  best_class])
    detections = detections[np.argsort(-(rows[:, 4] * best_prob), kind="stable")]
    kept = []
    while len(detections):
        top = detections[0].copy()
        group = (iou_matrix(top[None, :4], detections[:, :4])[0] > nms_iou_thresh) \
            & (detections[:, 6] == top[6])
        group[0] = True  # a box always absorbs itself, even a degenerate one
        weights = detections[group, 4:5]
        top[:4] = (weights * detections[group, :4]).sum(axis=0) / weights.sum()
        kept.append(top)
        detections = detections[~group]
    return np.stack(kept)


def to_frame_boxes(boxes_xyxy: np.ndarray, image_shape: tuple[int, ...],
                   input_size: int = INPUT_SIZE) -> np.ndarray:
    """Letterbox boxes (D, 4) x1y1x2y2 -> frame boxes (D, 4) x1y1x2y2 with the published
    formulas (offsets ``floor(pad / 2)``; no clipping, no minimum size)."""
    height, width = image_shape[:2]
    boxes = np.asarray(boxes_xyxy, dtype=np.float64).reshape(-1, 4)
    pad_x = max(height - width, 0) * input_size / max(height, width)
    pad_y = max(width - height, 0) * input_size / max(height, width)
    unpad_w, unpad_h = input_size - pad_x, input_size - pad_y
    box_w = (boxes[:, 2] - boxes[:, 0]) / unpad_w * width
    box_h = (boxes[:, 3] - boxes[:, 1]) / unpad_h * height
    x = (boxes[:, 0] - pad_x // 2) / unpad_w * width
    y = (boxes[:, 1] - pad_y // 2) / unpad_h * height
    return np.column_stack([x, y, x + box_w, y + box_h])


def postprocess(predictions: np.ndarray, image_shape: tuple[int, ...], *,
                input_size: int = INPUT_SIZE, objectness_thresh: float = OBJECTNESS_THRESH,
                nms_iou_thresh: float = NMS_IOU_THRESH,
                class_id: int = PERSON_CLASS) -> tuple[np.ndarray, np.ndarray]:
    """predictions (R, 5 + C) of one image -> (boxes_xyxy (N, 4), scores (N,)) of class
    ``class_id`` in frame pixels; score = objectness × class probability (the NMS sort key)."""
    detections = merge_nms(predictions, objectness_thresh, nms_iou_thresh)
    detections = detections[detections[:, 6] == class_id]
    boxes_xyxy = to_frame_boxes(detections[:, :4], image_shape, input_size)
    return boxes_xyxy, detections[:, 4] * detections[:, 5]

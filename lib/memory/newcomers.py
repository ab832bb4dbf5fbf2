"""Finding people who enter between keyframes (numpy, scipy, cv2): which detections continue
no followed track, and a frame-difference trigger that says when uncovered parts of the image
changed.

The memory mode runs its detector on a short period (a "check frame") and keeps only the
detections that continue no followed track; the trigger, when enabled, skips that detector
pass on check frames where nothing outside the followed people moved.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

from lib import geometry


def covered(boxes_xyxy: np.ndarray, track_boxes_xyxy: np.ndarray, thresh: float) -> np.ndarray:
    """(N,) bool: the box continues a followed track. Boxes and track boxes are paired one to
    one by the largest total IoU (``linear_sum_assignment``); a box is covered when its pair's
    IoU is at least ``thresh``. boxes_xyxy (N, 4), track_boxes_xyxy (M, 4).

    One to one, so two people standing in one followed box are two detections and one of
    them is left for the newcomer association."""
    boxes, tracks = geometry.as_boxes(boxes_xyxy), geometry.as_boxes(track_boxes_xyxy)
    result = np.zeros(len(boxes), dtype=bool)
    if len(boxes) == 0 or len(tracks) == 0:
        return result
    iou = geometry.iou_matrix(boxes, tracks)
    rows, cols = linear_sum_assignment(-iou)
    result[rows[iou[rows, cols] >= thresh]] = True
    return result


@dataclass(frozen=True)
class TriggerParams:
    """The change trigger's named constants.

    cell: the image is compared on a grid of ``cell`` × ``cell`` pixel averages.
    pixel_thresh: a cell changed when its grey level moved by more than this (0-255).
    min_fraction: the trigger fires when more than this share of the uncovered cells changed.
    """

    cell: int = 8
    pixel_thresh: float = 12.0
    min_fraction: float = 0.002


class ChangeTrigger:
    """Remembers a small grey copy of the frame of its last call; ``changed`` says whether the
    parts of the new frame outside the given boxes (now and at the last call: people who
    moved leave change behind) differ from it."""

    def __init__(self, params: TriggerParams = TriggerParams()):
        self.params = params
        self.reset()

    def reset(self) -> None:
        """Forget the previous frame (the next call fires)."""
        self._previous: np.ndarray | None = None
        self._previous_boxes = np.zeros((0, 4))

    def changed(self, image: np.ndarray, boxes_xyxy: np.ndarray) -> bool:
        """image: BGR (H, W, 3); boxes_xyxy (M, 4): regions to ignore (followed people).
        True on the first frame, after a size change, or when enough uncovered cells moved."""
        cell = self.params.cell
        height, width = image.shape[:2]
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(grey, (max(1, width // cell), max(1, height // cell)),
                           interpolation=cv2.INTER_AREA).astype(np.int16)
        boxes = geometry.as_boxes(boxes_xyxy)
        previous, self._previous = self._previous, small
        ignored = np.concatenate([boxes, self._previous_boxes])
        self._previous_boxes = boxes
        if previous is None or previous.shape != small.shape:
            return True
        moved = np.abs(small - previous) > self.params.pixel_thresh
        free = np.ones_like(moved)
        for x1, y1, x2, y2 in ignored.tolist():
            free[max(0, int(y1 // cell)):max(0, int(np.ceil(y2 / cell))),
                 max(0, int(x1 // cell)):max(0, int(np.ceil(x2 / cell)))] = False
        num_free = int(free.sum())
        return num_free > 0 and (moved & free).sum() > self.params.min_fraction * num_free

"""Rendering of tracked poses with the published skeleton and per-track colours (OpenCV)."""
from __future__ import annotations

import cv2
import numpy as np

from lib.interfaces import Track
from lib.joints import SKELETON, TRACK_COLORS

JOINT_COLOR = (255, 255, 255)


def draw_person(image: np.ndarray, person: Track, min_score: float = 0.0) -> None:
    """Draw one tracked person in place: sticks in the track's colour (published
    ``color_list[track_id % 13]``), white joints, the id above the head.

    Coordinates are cast to int. A stick is skipped when an end lies at x <= 5 and y <= 5
    (published rule) or has a score below ``min_score``.
    """
    color = TRACK_COLORS[person.track_id % len(TRACK_COLORS)]
    points = person.keypoints[:, :2].astype(int)
    shown = (person.keypoints[:, 2] >= min_score) & ~((points[:, 0] <= 5) & (points[:, 1] <= 5))
    for a, b in SKELETON:
        if shown[a] and shown[b]:
            cv2.line(image, tuple(points[a]), tuple(points[b]), color, 4)
    for (x, y), ok in zip(points, shown):
        if ok:
            cv2.circle(image, (int(x), int(y)), 2, JOINT_COLOR, 2)
    if shown.any():
        x, y = points[shown, 0].min(), points[shown, 1].min()
        cv2.putText(image, f"id {person.track_id}", (int(x), max(int(y) - 8, 12)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6, color, 2)


class Renderer:
    """Draws a frame's result once and hands the same picture to every sink that asks."""

    def __init__(self, min_score: float = 0.0):
        self.min_score = min_score
        self._index, self._image = None, None

    def __call__(self, frame, result) -> np.ndarray:
        if self._index != frame.index:
            image = frame.image.copy()
            for person in result.persons:
                draw_person(image, person, self.min_score)
            self._index, self._image = frame.index, image
        return self._image

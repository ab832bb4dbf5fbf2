"""Small test videos written with OpenCV, and a copy damaged in the middle."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

SIZE = (160, 120)  # width, height


def write_video(path, num_frames: int, fps: float = 25.0) -> Path:
    """An mp4v video of ``num_frames`` frames, each with its index drawn and a moving bar."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    assert writer.isOpened()
    for index in range(num_frames):
        image = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        cv2.putText(image, str(index), (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 2)
        image[:, (index * 3) % SIZE[0]] = 200
        writer.write(image)
    writer.release()
    return Path(path)


def damage_middle(source, target, num_bytes: int = 2000) -> Path:
    """A copy of ``source`` with ``num_bytes`` bytes from its middle overwritten with 0xFF."""
    data = bytearray(Path(source).read_bytes())
    middle = len(data) // 2
    data[middle:middle + num_bytes] = b"\xff" * num_bytes
    Path(target).write_bytes(bytes(data))
    return Path(target)


def count_frames(path) -> int:
    """Frames of a video as decoded one by one (0 if it does not open)."""
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.isOpened():
        ok, _ = capture.read()
        if not ok:
            break
        count += 1
    capture.release()
    return count

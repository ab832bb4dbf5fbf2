"""Small test videos written with OpenCV, a copy damaged in the middle, and the demos' outputs."""
from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import numpy as np

from lib.outputs import temporary_path
from tests.scripts.run import leftovers, strict_json

SIZE = (160, 120)  # width, height
FAKE_COMPONENTS = ["--detector", "scripted", "--pose", "scripted", "--matcher", "none"]


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


def outputs(output, name="clip") -> tuple[Path, Path]:
    """(JSON, mp4) paths a demo writes for the video ``name`` into ``output``."""
    return output / "jsons" / f"{name}.json", output / "videos" / f"{name}_out.mp4"


def assert_valid_outputs(output, name="clip") -> int:
    """The JSON parses strictly, the mp4 decodes, both hold the same frames, no temporary or
    lock file is left; returns the number of frames."""
    json_path, video_path = outputs(output, name)
    frames = strict_json(json_path)
    assert [f["image"]["id"] for f in frames] == [[i] for i in range(len(frames))]
    assert count_frames(video_path) == len(frames)
    assert leftovers(output) == []
    return len(frames)


def wait_for_frames(proc, json_path) -> None:
    """Wait until the running demo ``proc`` has written a frame to ``json_path``'s temporary file
    (or has ended)."""
    partial = temporary_path(str(json_path))
    while proc.poll() is None and not _has_frame(partial):
        time.sleep(0.1)


def _has_frame(path) -> bool:
    """Whether the file holds a frame; a file caught between two writes counts as none yet."""
    try:
        return os.path.exists(path) and bool(strict_json(path))
    except ValueError:
        return False

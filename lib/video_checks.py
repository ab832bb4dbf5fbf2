"""Video integrity (OpenCV): reading past undecodable packets with a tally of expected, decoded
and skipped frames, and checking a written video before it gets its final name."""
from __future__ import annotations

import logging

import cv2
import numpy as np

from lib.errors import LightTrackError
from lib.outputs import remove_quietly, replace

log = logging.getLogger(__name__)

MAX_FAILED_READS = 50  # consecutive failed reads tried before a file is taken to have ended


class DecodeTally:
    """Reads a capture frame by frame, past packets that do not decode.

    ``expected``: the container's frame count (None for cameras and streams: then the first
    failed read ends the stream, as before). A failed read consumes its packet, so while fewer
    than ``expected`` frames have been seen, up to ``MAX_FAILED_READS`` further reads are tried.
    """

    def __init__(self, expected: int | None):
        self.expected, self.decoded, self.skipped, self.ended = expected, 0, 0, False

    def read(self, capture: cv2.VideoCapture) -> np.ndarray | None:
        """The next decodable BGR frame, or None at the end of the stream."""
        failures = 0
        while True:
            ok, image = capture.read()
            if ok and image is not None:
                self.decoded += 1
                self.skipped += failures
                return image
            failures += 1
            if (self.expected is None or failures > MAX_FAILED_READS
                    or self.decoded + self.skipped + failures >= self.expected):
                self.ended = True
                return None

    def summary(self) -> str | None:
        """A warning when the stream ended with fewer frames decoded than announced, else None."""
        if not self.ended or self.expected is None or self.decoded >= self.expected:
            return None
        missing = self.expected - self.decoded - self.skipped
        tail = f", the last {missing} unreadable" if missing > 0 else ""
        return (f"{self.decoded} of the {self.expected} frames the container announces were "
                f"decoded: {self.skipped} undecodable frames skipped{tail}")

    def report(self, name: str) -> None:
        """Log ``summary`` as a warning about the video ``name``."""
        text = self.summary()
        if text:
            log.warning("warning: %s: %s", name, text)


def fit_frame(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` resized to ``size`` (width, height) when its size differs (a writer drops
    frames of another size without a word)."""
    if (image.shape[1], image.shape[0]) == tuple(size):
        return image
    return cv2.resize(image, tuple(size), interpolation=cv2.INTER_AREA)


def finish_video(temporary: str, path: str, num_frames: int) -> None:
    """Rename the released video ``temporary`` to ``path`` once it reads back with all
    ``num_frames`` frames; otherwise delete it and raise LightTrackError naming ``path``."""
    capture = cv2.VideoCapture(temporary)
    found = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    capture.release()
    if found != num_frames:
        remove_quietly(temporary)
        raise LightTrackError(f"cannot write video {path}: the finished file holds {found} of "
                              f"{num_frames} frames (disk full or a write error); nothing kept")
    replace(temporary, path)

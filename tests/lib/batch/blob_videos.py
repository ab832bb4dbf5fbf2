"""Short video files of bright moving blocks and fake components that see them through the
codec (threshold + connected components), for the video-file batch tests; a detector that
kills its process, interrupts or stalls on one video for the crash tests."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import cv2
import numpy as np

from lib import components
from lib.interfaces import NUM_JOINTS, Detector, StatelessPoseEstimator

BLOCK = 24  # block side, pixels


def write_blob_video(path, num_frames: int, starts, speed: float, size=(160, 120)) -> str:
    """An mp4 of ``num_frames`` frames with white blocks starting at ``starts`` [(x, y)] and
    moving right by ``speed`` px per frame."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, size)
    for t in range(num_frames):
        image = np.zeros((size[1], size[0], 3), np.uint8)
        for x, y in starts:
            x = int(x + speed * t)
            image[y:y + BLOCK, x:x + BLOCK] = 255
        writer.write(image)
    writer.release()
    return str(path)


def _bright(image):
    return (image.max(axis=2) > 128).astype(np.uint8)


class BlobDetector(Detector):
    """Boxes around the bright blobs. On frames of width ``trap_width`` it springs ``trap``:
    "exit" ends its own process (os._exit, as a crashing native library would), "interrupt"
    raises KeyboardInterrupt (Ctrl-C), "sleep" takes 30 s per call (a video still in flight when the others are done)."""

    def __init__(self, trap_width: int | None = None, trap: str = "exit"):
        self.trap_width, self.trap = trap_width, trap

    def detect(self, image):
        if image.shape[1] == self.trap_width:
            if self.trap == "exit":
                os._exit(3)
            if self.trap == "interrupt":
                raise KeyboardInterrupt
            time.sleep(30.0)
        count, _, stats, _ = cv2.connectedComponentsWithStats(_bright(image))
        boxes = [[x, y, x + w, y + h] for x, y, w, h, area in stats[1:count] if area >= 50]
        return np.array(boxes, dtype=np.float64).reshape(-1, 4), np.ones(len(boxes))


class BlobEstimator(StatelessPoseEstimator):
    """A pose spread over the bright pixels inside each box (scores 1), or a lost pose (scores
    0.1) when the box holds none."""

    lost_score_thresh = 0.6

    def estimate(self, image, boxes_xyxy, track_ids=None):
        mask, out = _bright(image), np.zeros((len(boxes_xyxy), NUM_JOINTS, 3))
        grid = np.linspace(0, 1, NUM_JOINTS)
        for row, (x1, y1, x2, y2) in enumerate(np.asarray(boxes_xyxy, dtype=np.float64)):
            left, top, right, bottom = (max(int(v), 0) for v in (x1, y1, x2, y2))
            ys, xs = np.nonzero(mask[top:bottom, left:right])
            if len(xs) == 0:
                out[row] = [(x1 + x2) / 2, (y1 + y2) / 2, 0.1]
                continue
            left, top = xs.min() + left, ys.min() + top
            width, height = xs.max() - xs.min(), ys.max() - ys.min()
            out[row, :, 0], out[row, :, 1] = left + grid * width, top + grid[::-1] * height
            out[row, :, 2] = 1.0
        return out


@dataclass(frozen=True)
class BlobModels:
    """Test models for ``lib.batch.videos.VideoFilesRun``: blob detector and estimator and the
    OKS matcher (numpy), loaded in whichever process tracks the video; the detector's trap
    springs on frames ``trap_width`` pixels wide."""

    trap_width: int | None = None
    trap: str = "exit"

    def load(self):
        return (BlobDetector(self.trap_width, self.trap), BlobEstimator(),
                components.build("matcher", "oks"))


def blob_videos(folder, count: int = 3) -> list[str]:
    """``count`` short clips with one to three blocks each, written into ``folder``."""
    starts = [(10, 20), (60, 70), (100, 30)]
    return [write_blob_video(os.path.join(folder, f"clip{i}.mp4"), 12 + 3 * i, starts[:1 + i % 3],
                             speed=1 + i) for i in range(count)]

"""The frame loop: pull frames from any source, track them, hand each result to sinks at once,
and keep the published timing statistics (no framework).

This is the only frame loop: the demos (video file, camera) and the PoseTrack batch
(``lib.batch.process``: frames from detection files) are frame sources, and every output
(OpenSVAI JSON, rendered video, frame images, display) is a ``Sink``: a new output format is one
new sink.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable, Protocol, Sequence

import numpy as np

from lib.frame_log import FrameLog
from lib.interfaces import FrameResult
from lib.outputs import close_all
from lib.signals import deferred
from lib.tracker import LightTracker


@dataclass
class Frame:
    """One input frame: its index in the video, BGR image, the folder and file name it is
    known by in the outputs, optional precomputed detections (boxes_xyxy (N, 4), scores (N,))
    that replace the detector at a keyframe; a live source also gives the
    ``time.perf_counter()`` at which it captured the frame and how many frames it dropped
    just before it."""

    index: int
    image: np.ndarray
    folder: str = ""
    name: str = ""
    detections: tuple[np.ndarray, np.ndarray] | None = None
    captured_at: float | None = None
    frames_skipped: int = 0


class Sink(Protocol):
    """An output of the frame loop."""

    def write(self, frame: Frame, result: FrameResult) -> None:
        """Take one tracked frame, as soon as it is tracked."""

    def close(self) -> None:
        """Finish the output (called once, also when the loop stops on an error)."""


@dataclass
class Statistics:
    """The published totals (seconds and counts) and their four frame rates; ``per_frame``
    holds every frame's stage times, keyframe flag, track ids, latency and drops."""

    time_all: float = 0.0
    time_det: float = 0.0
    time_pose: float = 0.0
    num_frames: int = 0
    num_persons: int = 0
    per_frame: FrameLog = field(default_factory=FrameLog)

    def add(self, result: FrameResult, seconds: float) -> None:
        self.time_all += seconds
        self.time_det += result.det_seconds
        self.time_pose += result.pose_seconds
        self.num_frames += 1
        self.num_persons += result.num_persons

    @property
    def time_lighttrack(self) -> float:
        """Time outside detection and pose estimation (the published total_time_LIGHTTRACK)."""
        return self.time_all - self.time_det - self.time_pose

    def fps(self, seconds: float) -> float:
        return self.num_frames / seconds if seconds > 0 else float("inf")

    def report(self) -> str:
        """The published statistics block, in its order and format."""
        return "\n".join([
            f"total_time_ALL: {self.time_all:.2f}s",
            f"total_time_DET: {self.time_det:.2f}s",
            f"total_time_POSE: {self.time_pose:.2f}s",
            f"total_time_LIGHTTRACK: {self.time_lighttrack:.2f}s",
            f"total_num_FRAMES: {self.num_frames}",
            f"total_num_PERSONS: {self.num_persons}",
            "",
            f"Average FPS: {self.fps(self.time_all):.2f}fps",
            f"Average FPS excluding Pose Estimation: {self.fps(self.time_all - self.time_pose):.2f}fps",
            f"Average FPS excluding Detection: {self.fps(self.time_all - self.time_det):.2f}fps",
            f"Average FPS for framework only: {self.fps(self.time_lighttrack):.2f}fps",
        ])


def run(tracker: LightTracker, frames: Iterable[Frame], sinks: Sequence[Sink] = (),
        progress=None, stats: Statistics | None = None) -> Statistics:
    """Track every frame of ``frames`` from a fresh tracker state.

    Each result goes to every sink as soon as it exists, so memory does not grow with the
    video's length (beyond a few numbers per frame in ``stats.per_frame``). Every sink is
    closed even when the loop or a sink fails, or on Ctrl-C. ``progress``: an optional tqdm-like
    object (``update(1)``). Sink time is not counted in the published totals, only in
    ``stats.per_frame``. ``stats``: the object to fill (so a caller keeps what was counted when
    the loop stops on an exception); a new one by default.
    """
    stats = Statistics() if stats is None else stats
    tracker.reset()
    try:
        start = time.perf_counter()
        for frame in frames:
            got = time.perf_counter()
            result = tracker.step(frame.image, detections=frame.detections,
                                  frames_skipped=frame.frames_skipped)
            stepped = time.perf_counter()
            stats.add(result, stepped - start)
            try:
                with deferred():  # a signal lands between frames: every sink has the same frames
                    for sink in sinks:
                        sink.write(frame, result)
            finally:  # a frame counted in the totals has its record, even if a sink stopped the run
                done = time.perf_counter()
                captured = start if frame.captured_at is None else frame.captured_at
                stats.per_frame.add(result, read=got - start, step=stepped - got,
                                    output=done - stepped, latency=done - captured,
                                    frames_skipped=frame.frames_skipped)
            if progress is not None:
                progress.update(1)
            start = time.perf_counter()
    finally:
        close_all(sinks)
    return stats

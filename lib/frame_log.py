"""Per-frame records of a tracking run: seconds per stage, keyframes, track ids, capture-to-
display latency and dropped frames (no framework)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# the stages of one frame, in pipeline order: waiting for and decoding the frame, the detector,
# the pose estimator, the rest of LightTracker.step, and the sinks (drawing, files, window)
STAGES = ("read", "detection", "pose", "tracking", "output")
STAGE_LABELS = {"read": "reading", "detection": "detection", "pose": "pose estimation",
                "tracking": "tracking", "output": "drawing / writing"}


@dataclass
class FrameLog:
    """One entry per tracked frame, in order: ``frame_idx`` (the source's frame index),
    ``is_keyframe``, ``seconds[stage]`` for each of ``STAGES``, ``latency`` (seconds from the
    capture of the frame to the end of its output), ``frames_skipped`` (frames the source
    dropped just before it) and ``track_ids`` (the ids present)."""

    frame_idx: list[int] = field(default_factory=list)
    is_keyframe: list[bool] = field(default_factory=list)
    seconds: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    latency: list[float] = field(default_factory=list)
    frames_skipped: list[int] = field(default_factory=list)
    track_ids: list[list[int]] = field(default_factory=list)

    def add(self, result, *, read: float, step: float, output: float, latency: float,
            frames_skipped: int = 0) -> None:
        """Record one frame: ``result`` is its ``FrameResult``; ``read``, ``step`` (the whole
        ``LightTracker.step`` call) and ``output`` are seconds."""
        self.frame_idx.append(result.frame_idx)
        self.is_keyframe.append(result.is_keyframe)
        times = {"read": read, "detection": result.det_seconds, "pose": result.pose_seconds,
                 "tracking": max(step - result.det_seconds - result.pose_seconds, 0.0),
                 "output": output}
        for stage in STAGES:
            self.seconds[stage].append(times[stage])
        self.latency.append(latency)
        self.frames_skipped.append(int(frames_skipped))
        self.track_ids.append(sorted(p.track_id for p in result.persons))

    def __len__(self) -> int:
        return len(self.frame_idx)

    def stage_seconds(self) -> np.ndarray:
        """(F, S) seconds per frame and stage, columns in ``STAGES`` order."""
        return np.array([self.seconds[s] for s in STAGES], dtype=np.float64).reshape(len(STAGES), -1).T

    @property
    def num_dropped(self) -> int:
        return int(sum(self.frames_skipped))

    def latency_percentiles(self) -> tuple[float, float]:
        """(median, 95th percentile) capture-to-display latency in seconds; NaN without frames."""
        if not self.latency:
            return float("nan"), float("nan")
        median, p95 = np.percentile(self.latency, [50, 95])
        return float(median), float(p95)

    def report(self) -> str:
        """Two lines: latency (median, 95th percentile) and dropped frames."""
        median, p95 = self.latency_percentiles()
        return "\n".join([
            f"capture_to_display_latency: median {1000 * median:.1f}ms, "
            f"95th percentile {1000 * p95:.1f}ms",
            f"dropped_frames: {self.num_dropped} of {len(self) + self.num_dropped}",
        ])

"""Batch tracking of video files (mp4, avi, ...) with the demos' components and tracker
settings: one OpenSVAI JSON per video, through the frame loop (no framework is imported here).

``VideoFilesRun`` is the pipeline spec that ``lib.batch.parallel`` runs per video, in this
process or on Ray workers; ``video_jobs`` turns files, folders and list files into jobs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from lib.cli import DEMO_ASSOCIATION, DEMO_COMPONENTS, VIDEO_FPS, build_components
from lib.errors import LightTrackError
from lib.formats.opensvai import OpenSVAIWriter
from lib.formats.posetrack import natural_key
from lib.batch.parallel import VideoJob, partial_file
from lib.runner import Statistics, run
from lib.tracker import LightTracker, default
from lib.video import frame_rate, open_capture, read_frames

VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".mpg", ".mpeg")


@dataclass(frozen=True)
class DemoComponents:
    """What each worker loads once: components by name (``lib.components``) and their files,
    as the demos' flags name them (None: the component's default)."""

    detector: str = DEMO_COMPONENTS["detector"]
    pose: str = DEMO_COMPONENTS["pose"]
    matcher: str = DEMO_COMPONENTS["matcher"]
    detector_weights: str | None = None
    detector_cfg: str | None = None
    detector_thresh: float | None = None
    pose_weights: str | None = None
    matcher_weights: str | None = None

    @classmethod
    def from_args(cls, args) -> DemoComponents:
        """From the flags of ``lib.cli.add_component_args``."""
        return cls(args.detector, args.pose, args.matcher, args.detector_weights,
                   args.detector_cfg, args.detector_thresh, args.pose_weights, args.matcher_weights)

    def load(self):
        """(detector, pose estimator, matcher or None)."""
        return build_components(self)


@dataclass(frozen=True)
class VideoFilesRun:
    """Video files as a pipeline spec of ``lib.batch.parallel``: the models (anything whose
    ``load()`` gives (detector, estimator, matcher); ``DemoComponents`` by default) and the
    demos' tracker settings (association included); ``max_frames`` stops each video early."""

    models: object = DemoComponents()
    keyframe_interval: int = default("keyframe_interval")
    match_thresh: float = default("match_thresh")
    max_frames: int | None = None
    association: str = DEMO_ASSOCIATION

    def track(self, loaded, job: VideoJob, progress=None) -> Statistics:
        """Track every frame of the video file ``job.source`` into the OpenSVAI file
        ``job.out_path`` (written as ``out_path.partial``, renamed when finished), frames named
        as the video demo names them."""
        detector, estimator, matcher = loaded
        capture = open_capture(job.source)
        tracker = LightTracker(detector, estimator, matcher,
                               keyframe_interval=self.keyframe_interval,
                               match_thresh=self.match_thresh, association=self.association,
                               fps=frame_rate(capture) or VIDEO_FPS)
        frames = read_frames(capture, os.path.splitext(job.source)[0], max_frames=self.max_frames)
        with partial_file(job.out_path) as partial:
            return run(tracker, frames, [OpenSVAIWriter(partial)], progress=progress)


def video_paths(inputs: list[str]) -> list[str]:
    """Video files from ``inputs``: files as given, folders' videos (by extension, in natural
    order) and ``.txt`` list files (one path per line, # comments). LightTrackError if an input
    is missing or no video is found."""
    paths = []
    for item in inputs:
        if os.path.isdir(item):
            names = sorted((n for n in os.listdir(item) if n.lower().endswith(VIDEO_EXTENSIONS)),
                           key=natural_key)
            paths.extend(os.path.join(item, n) for n in names)
        elif item.endswith(".txt") and os.path.isfile(item):
            with open(item, encoding="utf-8") as listing:
                lines = [line.split("#")[0].strip() for line in listing]
            paths.extend(video_paths([line for line in lines if line]))
        elif os.path.exists(item):
            paths.append(item)
        else:
            raise LightTrackError(f"{item}: no such video, folder or list file")
    if not paths:
        raise LightTrackError(f"no video files ({', '.join(VIDEO_EXTENSIONS)}) in "
                              f"{' '.join(inputs)}")
    return paths


def video_jobs(paths: list[str], output_dir: str) -> list[VideoJob]:
    """One job per video: ``output_dir/<file name without extension>.json``; LightTrackError
    if two videos would write the same file."""
    jobs, seen = [], {}
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        if name in seen:
            raise LightTrackError(f"{seen[name]} and {path} would both write {name}.json: "
                                  "rename one or track them into different --output folders")
        seen[name] = path
        jobs.append(VideoJob(name, path, os.path.join(output_dir, f"{name}.json")))
    return jobs

"""Batch tracking of PoseTrack'18 videos from detection files, through the frame loop (numpy).

Each detection (or GT-location) file ``<video>.json`` in OpenSVAI layout (SPEC §2.3) is a frame
source (``video_frames``: each frame's image and its detections) for ``lib.runner.run``, and its
sink an ``OpenSVAIWriter`` on ``<video>.json`` (OpenSVAI, SPEC §2.2) in the output folder. A
video is written to ``<video>.json.partial`` and renamed when finished, so an interrupted run
resumes with the unfinished videos. ``PoseTrackRun`` is the pipeline spec that
``lib.batch.parallel`` runs per video, in this process or on Ray workers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import cv2
import numpy as np

from lib import components, geometry
from lib.errors import LightTrackError
from lib.formats.opensvai import OpenSVAIFrame, OpenSVAIWriter, read_opensvai
from lib.formats.posetrack import natural_key
from lib.batch.oracle import ORACLE, OracleEstimator
from lib.batch.parallel import BatchRun, VideoJob, partial_file, run_videos
from lib.runner import Frame, Statistics, run
from lib.tracker import LightTracker

DET_SCORE_THRESH = 0.4  # published: detections below this score are not read
INPUT_DIRS = {"det": "detections_openSVAI", "gt": "annotations_openSVAI"}  # under the data root
#: the published PoseTrack scripts' tracker settings (SPEC §1.15), the scripts' CLI defaults
PRESET = {"keyframe_interval": 2, "match_thresh": 1.0}
#: the published PoseTrack'18 folders: data root, and the tracker's output (the converter's input)
DATA_ROOT = "data/Data_2018/posetrack_data"
RESULTS_DIR = "data/Data_2018/posetrack_results/lighttrack/results_openSVAI"

FrameFilter = Callable[[Iterable[Frame]], Iterable[Frame]]


def posetrack_tracker(estimator, matcher, *, keyframe_interval: int = PRESET["keyframe_interval"],
                      match_thresh: float = PRESET["match_thresh"], **options) -> LightTracker:
    """A ``LightTracker`` with the published PoseTrack-script rules (SPEC §1.15): keyframe every
    2 frames, pose matching up to distance 1.0 taking the first match, an empty detection list
    ends every track (the next frame, with no track to follow, is then a keyframe, where the
    original went on from the placeholder it recorded, SPEC §1.15.2). (Invalid detections are
    dropped by the writer: ``OpenSVAIWriter(placeholders=False)``.)"""
    return LightTracker(None, estimator, matcher, keyframe_interval=keyframe_interval,
                        match_thresh=match_thresh, pose_match="first",
                        empty_detections_end_tracks=True, **options)


def _unchanged(frames: Iterable[Frame]) -> Iterable[Frame]:
    return frames


def estimator_factory(pose: str, *, data_root: str, split: str = "val",
                      weights_path: str | None = None,
                      oracle_noise: float = 0.0) -> Callable[[str], tuple[object, FrameFilter]]:
    """video name -> (pose estimator, frame filter). The estimator is the component ``pose``
    (built once, here; the filter passes frames unchanged) or, for ``"oracle"``, an
    ``OracleEstimator`` on ``data_root/annotations/<split>/<video>.json`` whose ``follow``
    filter tells it each frame's name as the frame goes by."""
    if pose != ORACLE:
        estimator = components.build("pose", pose, weights_path=weights_path)
        return lambda video: (estimator, _unchanged)
    gt_dir = os.path.join(data_root, "annotations", split)

    def oracle_for(video: str):
        oracle = OracleEstimator.from_annotations(os.path.join(gt_dir, f"{video}.json"),
                                                  noise_std=oracle_noise)
        return oracle, oracle.follow
    return oracle_for


def video_files(input_dir: str) -> list[str]:
    """The ``*.json`` files of ``input_dir`` in natural order; LightTrackError if there are none."""
    if not os.path.isdir(input_dir):
        raise LightTrackError(f"{input_dir}: folder not found; see data/README.md for the "
                              "detection files, or generate the synthetic set")
    names = sorted((n for n in os.listdir(input_dir) if n.endswith(".json")), key=natural_key)
    if not names:
        raise LightTrackError(f"{input_dir}: no .json detection files in this folder")
    return [os.path.join(input_dir, n) for n in names]


def video_name(path: str) -> str:
    """The published video name: the file name up to its first dot."""
    return os.path.basename(path).split(".")[0]


def frame_detections(frame: OpenSVAIFrame, score_thresh: float = DET_SCORE_THRESH):
    """(boxes_xyxy (N, 4), scores (N,)) of the frame's candidates with score >= ``score_thresh``."""
    kept = [c for c in frame.candidates if c.det_score >= score_thresh]
    boxes_xyxy = geometry.boxes_xywh_to_xyxy([c.box_xywh for c in kept])
    return boxes_xyxy, np.array([c.det_score for c in kept], dtype=np.float64)


def read_frame_image(frame: OpenSVAIFrame, fallback_dir: str | None = None) -> np.ndarray:
    """The frame's BGR image from ``folder/name``, else from ``fallback_dir/name``."""
    paths = [os.path.join(frame.folder, frame.name)]
    if fallback_dir:
        paths.append(os.path.join(fallback_dir, frame.name))
    for path in paths:
        image = cv2.imread(path) if os.path.isfile(path) else None
        if image is not None:
            return image
    raise LightTrackError(f"cannot read frame image {' or '.join(paths)}: download the PoseTrack "
                          "images (data/README.md) or run from the folder the paths start from")


def video_frames(frames: list[OpenSVAIFrame], *, fallback_image_dir: str | None = None,
                 score_thresh: float = DET_SCORE_THRESH) -> Iterator[Frame]:
    """The frame source of one detection file: each frame's image (read when pulled) and its
    detections with score >= ``score_thresh``."""
    for frame in frames:
        yield Frame(frame.frame_id, read_frame_image(frame, fallback_image_dir), frame.folder,
                    frame.name, detections=frame_detections(frame, score_thresh))


def track_video(tracker: LightTracker, det_path: str, out_path: str, *,
                follow: FrameFilter = _unchanged, fallback_image_dir: str | None = None,
                score_thresh: float = DET_SCORE_THRESH, progress=None) -> Statistics:
    """Track one video's detection file into ``out_path`` (written as ``out_path.partial``,
    renamed when finished); returns its statistics. ``follow``: the estimator's frame filter
    (see ``estimator_factory``); ``progress``: an optional tqdm-like ``update(1)`` per frame."""
    frames = read_opensvai(det_path)
    source = video_frames(frames, fallback_image_dir=fallback_image_dir, score_thresh=score_thresh)
    with partial_file(out_path) as partial:
        return run(tracker, follow(source), [OpenSVAIWriter(partial, placeholders=False)],
                   progress=progress)


@dataclass(frozen=True)
class PoseTrackModels:
    """What each worker loads once: the pose estimator named ``pose`` (or, for the oracle,
    the annotations of ``data_root/annotations/<split>``) and the matcher named ``matcher``."""

    pose: str
    data_root: str
    split: str = "val"
    pose_weights: str | None = None
    oracle_noise: float = 0.0
    matcher: str = "none"
    matcher_weights: str | None = None

    def load(self):
        """(estimator_for, matcher): see ``estimator_factory``; the matcher may be None."""
        return (estimator_factory(self.pose, data_root=self.data_root, split=self.split,
                                  weights_path=self.pose_weights, oracle_noise=self.oracle_noise),
                components.build("matcher", self.matcher, weights_path=self.matcher_weights))


@dataclass(frozen=True)
class PoseTrackRun:
    """The PoseTrack batch as a pipeline spec of ``lib.batch.parallel``: the models, the
    tracker settings of ``posetrack_tracker`` and where frame images are looked up.
    image_root: the ``images/<split>`` folder tried when a frame's own folder/name does not
    exist. association: the tracker's association ("published", the scripts' default, or
    "memory")."""

    models: PoseTrackModels
    keyframe_interval: int = PRESET["keyframe_interval"]
    match_thresh: float = PRESET["match_thresh"]
    image_root: str | None = None
    score_thresh: float = DET_SCORE_THRESH
    association: str = "published"

    def track(self, loaded, job: VideoJob, progress=None) -> Statistics:
        """Track the detection file ``job.source`` into ``job.out_path``."""
        estimator_for, matcher = loaded
        estimator, follow = estimator_for(job.name)
        tracker = posetrack_tracker(estimator, matcher, keyframe_interval=self.keyframe_interval,
                                    match_thresh=self.match_thresh, association=self.association)
        fallback = os.path.join(self.image_root, job.name) if self.image_root else None
        return track_video(tracker, job.source, job.out_path, follow=follow,
                           fallback_image_dir=fallback, score_thresh=self.score_thresh,
                           progress=progress)


def process_videos(input_dir: str, output_dir: str, spec: PoseTrackRun, *, pool=None,
                   progress: bool = True) -> BatchRun:
    """Track every video of ``input_dir`` into ``output_dir`` (created), skipping finished ones,
    on ``pool`` (a ``lib.batch.parallel.worker_pool``; default: one after the other here).
    The unfinished videos' detection files are read first: a malformed one stops the batch
    with LightTrackError naming it before any model loads. A video that fails while it is
    tracked is listed in the result (``BatchRun.failed``) and the others are tracked."""
    jobs = [VideoJob(video_name(path), path, os.path.join(output_dir, os.path.basename(path)))
            for path in video_files(input_dir)]
    for job in jobs:
        if not os.path.exists(job.out_path):
            read_opensvai(job.source)
    return run_videos(jobs, spec, pool=pool, progress=progress)

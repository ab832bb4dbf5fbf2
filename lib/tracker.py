"""LightTracker: the online, top-down LightTrack loop (no framework).

Detect people only at keyframes, follow each person to the next frame with a box inferred from
its keypoints, and at keyframes associate detections with the previous frame's tracks by box
overlap first and by a pose matcher second.
"""
from __future__ import annotations

import inspect
import time

import numpy as np

from lib import geometry
from lib.association import associate
from lib.interfaces import (NUM_JOINTS, Detector, FrameResult, Matcher, PoseEstimator,
                            RejectedDetection, Track)
from lib.memory.loop import MemoryLoop, crossed
from lib.memory.tracks import MemoryParams, TrackMemory

ASSOCIATIONS = ("published", "memory")


class LightTracker:
    """Online multi-person pose tracker.

    Call ``step(image)`` once per frame, in order, for every frame of a video, frames with
    nobody in them included; call ``reset()`` before the next video (it resets the components
    too). Each call returns that frame's ``FrameResult``. Every constant of the published
    algorithm is a keyword argument whose default is the published demo value:

    keyframe_interval: a frame is a keyframe when ``frame_idx % keyframe_interval == 0`` or
        when no track is left to follow (as after a keyframe that found nobody).
    enlarge_scale: boxes grow by ``int(0.5 * enlarge_scale * extent)`` pixels per side.
    iou_thresh: a detection continues the previous track it overlaps most when that IoU is
        strictly above this.
    match_thresh: largest matcher distance that continues a track; below 0 disables matching.
    lost_top_k, lost_score_thresh: a tracked person is lost when the mean of its ``lost_top_k``
        best joint scores is below ``lost_score_thresh`` (None: the estimator's declared
        ``lost_score_thresh``); a loss redoes the frame as a keyframe.
    pose_match: "best" (demos) or "first" (PoseTrack scripts), see ``lib.association``.
    nms_iou_thresh: optional box NMS before pose estimation (published: off).
    empty_detections_end_tracks: when ``step`` is given detections and they are empty, the
        frame is returned empty and every track ends, keyframe or not (PoseTrack scripts;
        published association only).
    association: "published" (the rules above: the previous frame is the only history) or
        "memory" (``lib.memory``: lost people kept for seconds and re-identified, one fused-cue
        assignment at keyframes, boxes that follow the keypoints' velocity, a newcomer check
        between keyframes; iou_thresh, pose_match and the empty-detections rule do not apply,
        and of match_thresh only its sign counts: below 0 the matcher cue is off).
    fps: frames per second of the video; the memory mode's times are in seconds.
    memory_params: the memory mode's constants (``lib.memory.tracks.MemoryParams``).

    Detections whose enlarged box is invalid get no pose and no id; each ``FrameResult`` lists
    them in ``rejected`` (the OpenSVAI writer decides whether they become placeholders).
    """

    def __init__(self, detector: Detector | None, estimator: PoseEstimator,
                 matcher: Matcher | None = None, *, keyframe_interval: int = 40,
                 enlarge_scale: float = 0.2, iou_thresh: float = 0.3, match_thresh: float = 0.5,
                 lost_top_k: int = 4, lost_score_thresh: float | None = None,
                 pose_match: str = "best",
                 nms_iou_thresh: float | None = None, empty_detections_end_tracks: bool = False,
                 num_joints: int = NUM_JOINTS, association: str = "published",
                 fps: float = 25.0, memory_params: MemoryParams | None = None):
        if int(keyframe_interval) != keyframe_interval or keyframe_interval < 1:
            raise ValueError(f"keyframe_interval must be a whole number >= 1, got {keyframe_interval}")
        if enlarge_scale <= 0:
            raise ValueError(f"enlarge_scale must be > 0, got {enlarge_scale}")
        if not 1 <= lost_top_k <= num_joints:
            raise ValueError(f"lost_top_k must be between 1 and {num_joints}, got {lost_top_k}")
        if association not in ASSOCIATIONS:
            raise ValueError(f"association must be one of {ASSOCIATIONS}, got {association!r}")
        if lost_score_thresh is None:
            lost_score_thresh = estimator.lost_score_thresh
        self.detector, self.estimator, self.matcher = detector, estimator, matcher
        self.keyframe_interval = int(keyframe_interval)
        self.enlarge_scale = enlarge_scale
        self.iou_thresh = iou_thresh
        self.match_thresh = match_thresh
        self.lost_top_k = lost_top_k
        self.lost_score_thresh = float(lost_score_thresh)
        self.pose_match = pose_match
        self.nms_iou_thresh = nms_iou_thresh
        self.empty_detections_end_tracks = empty_detections_end_tracks
        self.num_joints = num_joints
        self.association = association
        self._memory = None
        if association == "memory":
            memory = TrackMemory(matcher if match_thresh >= 0 else None,
                                 memory_params or MemoryParams(), fps=fps,
                                 enlarge_scale=enlarge_scale)
            self._memory = MemoryLoop(memory, keyframe_interval=self.keyframe_interval)
        self.reset()

    def reset(self) -> None:
        """Start a new video: frame index and track ids restart at 0, no previous tracks, and
        every component's ``reset()`` is called."""
        for component in (self.detector, self.estimator, self.matcher):
            if component is not None:
                component.reset()
        self._frame_idx = 0
        self._next_id = 0
        self._tracks: list[Track] = []  # the last frame's tracked persons
        self._track_keypoints = np.zeros((0, self.num_joints, 3))  # their poses, stacked
        if self._memory is not None:
            self._memory.reset()

    def step(self, image: np.ndarray, detections=None, *, frames_skipped: int = 0) -> FrameResult:
        """Track one frame.

        image: BGR (H, W, 3) uint8. detections: optional precomputed (boxes_xyxy (N, 4),
        scores (N,)) used instead of calling the detector at a keyframe (the PoseTrack scripts
        read them from files). frames_skipped: frames of the source dropped just before this
        one (a live source that keeps only its newest frame); they count in ``frame_idx``, and
        a keyframe falls on the first frame at or after each multiple of ``keyframe_interval``.
        Returns this frame's ``FrameResult``.
        """
        _check_image(image)
        if int(frames_skipped) != frames_skipped or frames_skipped < 0:
            raise ValueError(f"frames_skipped must be a whole number >= 0, got {frames_skipped}")
        previous_idx = self._frame_idx - 1
        self._frame_idx += int(frames_skipped)
        result = FrameResult(frame_idx=self._frame_idx, is_keyframe=False)
        if self._memory is not None:
            self._memory_step(image, detections, result)
            self._frame_idx += 1
            return result
        keyframe = crossed(previous_idx, self._frame_idx, self.keyframe_interval)
        if self.empty_detections_end_tracks and detections is not None \
                and len(detections[0]) == 0:
            self._remember([], np.zeros((0, self.num_joints, 3)))
        elif keyframe or not self._tracks or not self._track_step(image, result):
            self._keyframe_step(image, detections, result)
        self._frame_idx += 1
        return result

    def _track_step(self, image: np.ndarray, result: FrameResult) -> bool:
        """Follow every previous track into this frame; False when a target is lost."""
        tracks = self._tracks
        result.num_persons += len(tracks)
        boxes_xyxy = geometry.boxes_from_keypoints(self._track_keypoints, self.enlarge_scale)
        lost = None in boxes_xyxy
        if not lost:
            keypoints = self._estimate(image, boxes_xyxy, [t.track_id for t in tracks], result)
            lost = bool((geometry.top_k_mean_scores(keypoints, self.lost_top_k)
                         < self.lost_score_thresh).any())
        if lost:
            result.num_persons -= 1
            return False
        result.persons = [self._continue(track, box, kps)
                          for track, box, kps in zip(tracks, boxes_xyxy, keypoints)]
        self._remember(result.persons, keypoints)
        return True

    def _keyframe_step(self, image: np.ndarray, detections, result: FrameResult) -> None:
        """Detect, estimate poses and associate with the previous frame's tracks."""
        result.is_keyframe = True
        boxes_xyxy = self._candidate_boxes(image, detections, result, result.rejected)
        result.num_persons += len(boxes_xyxy) + len(result.rejected)
        keypoints = self._estimate(image, boxes_xyxy, [None] * len(boxes_xyxy), result)
        match = self._associate(boxes_xyxy, keypoints)
        result.persons = [self._continue(None if col is None else self._tracks[col], box, kps)
                          for col, box, kps in zip(match, boxes_xyxy, keypoints)]
        self.estimator.assign([track.track_id for track in result.persons])
        self._remember(result.persons, keypoints)

    def _memory_step(self, image: np.ndarray, detections, result: FrameResult) -> None:
        """One frame of the memory mode (``lib.memory.loop``) with this tracker's models."""
        rejected: list[RejectedDetection] = []

        def detect(frame):
            rejected.clear()
            return geometry.as_boxes(self._candidate_boxes(frame, detections, result, rejected))

        def estimate(frame, boxes_xyxy, track_ids):
            ids = [None] * len(boxes_xyxy) if track_ids is None else track_ids
            return self._estimate(frame, list(boxes_xyxy), ids, result)

        def is_lost(keypoints):
            return geometry.top_k_mean_scores(keypoints, self.lost_top_k) < self.lost_score_thresh

        step = self._memory.step(self._frame_idx, image, detect, estimate, is_lost,
                                 self.estimator.assign)
        result.is_keyframe = step.is_keyframe
        if step.is_keyframe:
            result.rejected = list(rejected)
        result.persons = [Track(track_id, box, kps, first_frame=first, last_frame=self._frame_idx)
                          for track_id, box, kps, first in zip(step.track_ids, step.boxes_xyxy,
                                                               step.keypoints, step.first_frames)]
        result.num_persons = len(result.persons)

    def _candidate_boxes(self, image, detections, result: FrameResult,
                         rejected: list[RejectedDetection]) -> list:
        """This frame's detections enlarged by ``enlarge_scale``, the valid ones (xyxy); the
        others are appended to ``rejected``."""
        detected_xyxy = self._detect(image, detections, result)
        height, width = image.shape[:2]
        boxes_xyxy = []
        for index, box in enumerate(detected_xyxy.tolist()):
            enlarged = geometry.enlarge_box(box, self.enlarge_scale)
            if enlarged is not None and enlarged[0] < width and enlarged[1] < height \
                    and geometry.box_valid(enlarged):
                boxes_xyxy.append(enlarged)
            else:
                rejected.append(RejectedDetection(index, detected_xyxy[index]))
        return boxes_xyxy

    def _continue(self, track: Track | None, box_xyxy, keypoints: np.ndarray) -> Track:
        """This frame's record of ``track`` (None: a new track with the next id)."""
        if track is None:
            track_id, first_frame = self._next_id, self._frame_idx
            self._next_id += 1
        else:
            track_id, first_frame = track.track_id, track.first_frame
        return Track(track_id, box_xyxy, keypoints, first_frame=first_frame,
                     last_frame=self._frame_idx)

    def _remember(self, tracks: list[Track], keypoints: np.ndarray) -> None:
        """Keep this frame's tracks (and their stacked poses) for the next frame."""
        self._tracks, self._track_keypoints = tracks, keypoints

    def _associate(self, boxes_xyxy: list, keypoints: np.ndarray) -> list[int | None]:
        """Per box, the index of the previous track it continues, or None."""
        if not self._tracks:
            return [None] * len(boxes_xyxy)
        boxes = geometry.as_boxes(boxes_xyxy)
        track_boxes = geometry.as_boxes([track.box_xyxy for track in self._tracks])
        iou = geometry.iou_matrix(boxes, track_boxes)
        distances = None
        if self.matcher is not None:
            distances = lambda: self.matcher.distances(  # noqa: E731
                boxes, keypoints, track_boxes, self._track_keypoints)
        return associate(iou, distances, iou_thresh=self.iou_thresh,
                         match_thresh=self.match_thresh, pose_match=self.pose_match)

    def _detect(self, image, detections, result: FrameResult) -> np.ndarray:
        """Boxes (N, 4) xyxy from the detector or the given detections, finite rows only."""
        if detections is None:
            if self.detector is None:
                raise ValueError("LightTracker has no detector: pass detections to step()")
            start = time.perf_counter()
            detections = self.detector.detect(image)
            result.det_seconds += time.perf_counter() - start
        boxes_xyxy = geometry.as_boxes(detections[0])
        scores = np.asarray(detections[1], dtype=np.float64).reshape(-1)
        if len(scores) != len(boxes_xyxy):
            raise ValueError(f"detector gave {len(boxes_xyxy)} boxes but {len(scores)} scores")
        finite = np.logical_and.reduce(np.isfinite(boxes_xyxy), axis=1) & np.isfinite(scores)
        boxes_xyxy, scores = boxes_xyxy[finite], scores[finite]
        if self.nms_iou_thresh is not None and len(boxes_xyxy):
            boxes_xyxy = boxes_xyxy[geometry.nms(boxes_xyxy, scores, self.nms_iou_thresh)]
        return boxes_xyxy

    def _estimate(self, image, boxes_xyxy: list, track_ids: list, result: FrameResult) -> np.ndarray:
        """Poses (N, K, 3) inside the given boxes (with the published whole-pixel extent), in
        one estimator call; ``track_ids``: the track each box continues (None: a fresh
        detection)."""
        if not boxes_xyxy:
            return np.zeros((0, self.num_joints, 3))
        start = time.perf_counter()
        keypoints = self.estimator.estimate(image, geometry.published_boxes(boxes_xyxy),
                                            track_ids)
        result.pose_seconds += time.perf_counter() - start
        keypoints = geometry.sanitize_keypoints(keypoints, self.num_joints)
        if len(keypoints) != len(boxes_xyxy):
            raise ValueError(f"pose estimator gave {len(keypoints)} poses for {len(boxes_xyxy)} boxes")
        return keypoints


def default(name: str):
    """The published default of the ``LightTracker`` keyword argument ``name`` (the demos' CLI
    defaults read it, so each value is written once)."""
    return inspect.signature(LightTracker).parameters[name].default


def _check_image(image) -> None:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 \
            or image.shape[0] == 0 or image.shape[1] == 0:
        shape = image.shape if isinstance(image, np.ndarray) else type(image).__name__
        raise ValueError(f"a frame must be an (H, W, 3) image array, got {shape}")

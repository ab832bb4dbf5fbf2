"""LightTracker: the online, top-down LightTrack loop (no framework).

Detect people only at keyframes, follow each person to the next frame with a box inferred from
its keypoints, and at keyframes associate detections with the previous frame's tracks by box
overlap first and by a pose matcher second.
"""
from __future__ import annotations

import time

import numpy as np

from lib import geometry
from lib.association import associate
from lib.interfaces import NUM_JOINTS, Detector, FrameResult, Matcher, Person, PoseEstimator
from lib.memory.loop import MemoryLoop
from lib.memory.tracks import MemoryParams, TrackMemory

LOST_SCORE_THRESH = 0.6  # published; belongs to heat-map scores in [0.5, 1.5]
ASSOCIATIONS = ("published", "memory")


class LightTracker:
    """Online multi-person pose tracker.

    Call ``step(image)`` once per frame, in order, for every frame of a video, frames with
    nobody in them included; call ``reset()`` before the next video. Each call returns that
    frame's ``FrameResult``. Every constant of the published algorithm is a keyword argument
    whose default is the published demo value:

    keyframe_interval: a frame is a keyframe when ``frame_idx % keyframe_interval == 0`` or
        when the previous frame asked for one (no detection, or no track left to follow).
    enlarge_scale: boxes grow by ``int(0.5 * enlarge_scale * extent)`` pixels per side.
    iou_thresh: a detection continues the previous track it overlaps most when that IoU is
        strictly above this.
    match_thresh: largest matcher distance that continues a track; below 0 disables matching.
    lost_top_k, lost_score_thresh: a tracked person is lost when the mean of its ``lost_top_k``
        best joint scores is below ``lost_score_thresh`` (None: the estimator's own
        ``lost_score_thresh``, else the published 0.6); a loss redoes the frame as a keyframe.
    pose_match: "best" (demos) or "first" (PoseTrack scripts), see ``lib.association``.
    keep_invalid_detections: keep detections whose enlarged box is invalid as persons without
        id or pose (demos) rather than dropping them (PoseTrack scripts).
    keyframe_after_empty: a keyframe without detections makes the next frame a keyframe.
    nms_iou_thresh: optional box NMS before pose estimation (published: off).
    empty_detections_end_tracks: when ``step`` is given detections and they are empty, the
        frame is returned empty and every track ends, keyframe or not (PoseTrack scripts).
    association: "published" (the rules above, one frame of history) or "memory"
        (``lib.memory``: lost tracks kept and re-identified, fused-cue global assignment at
        keyframes, keypoint-velocity boxes, a newcomer check between keyframes).
    fps: the video's frame rate; the memory mode's times are in seconds.
    memory_params: the memory mode's constants (``lib.memory.tracks.MemoryParams``).
    """

    def __init__(self, detector: Detector | None, estimator: PoseEstimator,
                 matcher: Matcher | None = None, *, keyframe_interval: int = 40,
                 enlarge_scale: float = 0.2, iou_thresh: float = 0.3, match_thresh: float = 0.5,
                 lost_top_k: int = 4, lost_score_thresh: float | None = None,
                 pose_match: str = "best", keep_invalid_detections: bool = True,
                 keyframe_after_empty: bool = True, nms_iou_thresh: float | None = None,
                 empty_detections_end_tracks: bool = False, num_joints: int = NUM_JOINTS,
                 association: str = "published", fps: float = 25.0,
                 memory_params: MemoryParams | None = None):
        if int(keyframe_interval) != keyframe_interval or keyframe_interval < 1:
            raise ValueError(f"keyframe_interval must be a whole number >= 1, got {keyframe_interval}")
        if enlarge_scale <= 0:
            raise ValueError(f"enlarge_scale must be > 0, got {enlarge_scale}")
        if not 1 <= lost_top_k <= num_joints:
            raise ValueError(f"lost_top_k must be between 1 and {num_joints}, got {lost_top_k}")
        if association not in ASSOCIATIONS:
            raise ValueError(f"association must be one of {ASSOCIATIONS}, got {association!r}")
        if lost_score_thresh is None:
            lost_score_thresh = getattr(estimator, "lost_score_thresh", LOST_SCORE_THRESH)
        self.detector, self.estimator, self.matcher = detector, estimator, matcher
        self.keyframe_interval = int(keyframe_interval)
        self.enlarge_scale = enlarge_scale
        self.iou_thresh = iou_thresh
        self.match_thresh = match_thresh
        self.lost_top_k = lost_top_k
        self.lost_score_thresh = float(lost_score_thresh)
        self.pose_match = pose_match
        self.keep_invalid_detections = keep_invalid_detections
        self.keyframe_after_empty = keyframe_after_empty
        self.nms_iou_thresh = nms_iou_thresh
        self.empty_detections_end_tracks = empty_detections_end_tracks
        self.num_joints = num_joints
        self.association = association
        self._memory = None
        if association == "memory":
            memory = TrackMemory(matcher if match_thresh >= 0 else None,
                                 memory_params or MemoryParams(), fps=fps,
                                 enlarge_scale=enlarge_scale)
            self._memory = MemoryLoop(memory, keyframe_interval=self.keyframe_interval,
                                      keyframe_after_empty=keyframe_after_empty)
        self.reset()

    def reset(self) -> None:
        """Start a new video: frame index and track ids restart at 0, no previous tracks; a
        component that keeps state between frames is reset too (if it has ``reset()``)."""
        for component in (self.detector, self.estimator, self.matcher):
            if hasattr(component, "reset"):
                component.reset()
        self._frame_idx = 0
        self._next_id = 0
        self._mandatory_keyframe = False
        self._previous: list[Person] = []  # the last frame's persons that have a track id
        self._previous_keypoints = np.zeros((0, self.num_joints, 3))  # stacked, same order
        if self._memory is not None:
            self._memory.reset()

    def step(self, image: np.ndarray, detections=None) -> FrameResult:
        """Track one frame.

        image: BGR (H, W, 3) uint8. detections: optional precomputed (boxes_xyxy (N, 4),
        scores (N,)) used instead of calling the detector at a keyframe (the PoseTrack scripts
        read them from files). Returns this frame's ``FrameResult``.
        """
        _check_image(image)
        result = FrameResult(frame_idx=self._frame_idx, is_keyframe=False)
        if self._memory is not None:
            self._memory_step(image, detections, result)
            self._frame_idx += 1
            return result
        keyframe = self._mandatory_keyframe or self._frame_idx % self.keyframe_interval == 0
        if self.empty_detections_end_tracks and detections is not None \
                and len(detections[0]) == 0:
            self._remember([], np.zeros((0, self.num_joints, 3)))
        elif keyframe or not self._previous or not self._track_step(image, result):
            self._keyframe_step(image, detections, result)
        self._frame_idx += 1
        return result

    def _track_step(self, image: np.ndarray, result: FrameResult) -> bool:
        """Follow every previous track into this frame; False when a target is lost."""
        prev = self._previous
        result.num_persons += len(prev)
        boxes_xywh = geometry.boxes_from_keypoints(self._previous_keypoints, self.enlarge_scale)
        lost = None in boxes_xywh
        if not lost:
            keypoints = self._estimate(image, boxes_xywh, result)
            lost = bool((geometry.top_k_mean_scores(keypoints, self.lost_top_k)
                         < self.lost_score_thresh).any())
        if lost:
            result.num_persons -= 1
            self._mandatory_keyframe = True
            return False
        result.persons = [Person(box, kps, p.track_id)
                          for p, box, kps in zip(prev, boxes_xywh, keypoints)]
        self._remember(result.persons, keypoints)
        return True

    def _keyframe_step(self, image: np.ndarray, detections, result: FrameResult) -> None:
        """Detect, estimate poses and associate with the previous frame's tracks."""
        result.is_keyframe = True
        self._mandatory_keyframe = False
        boxes_xyxy = self._detect(image, detections, result)
        result.num_persons += len(boxes_xyxy)
        if len(boxes_xyxy) == 0:
            self._mandatory_keyframe = self.keyframe_after_empty
        height, width = image.shape[:2]
        boxes_xywh = []
        for box in boxes_xyxy.tolist():
            enlarged = geometry.enlarge_box(box, self.enlarge_scale)
            box_xywh = None if enlarged is None else geometry.xyxy_to_xywh(enlarged)
            inside = enlarged is not None and enlarged[0] < width and enlarged[1] < height
            boxes_xywh.append(box_xywh if inside and geometry.box_valid(box_xywh) else None)
        valid_boxes = [box for box in boxes_xywh if box is not None]
        keypoints = self._estimate(image, valid_boxes, result)
        match = self._associate(valid_boxes, keypoints)
        poses = iter(zip(valid_boxes, keypoints, match))
        result.persons = []
        for box_xywh in boxes_xywh:
            if box_xywh is None:
                if self.keep_invalid_detections:
                    result.persons.append(Person(None, None, None))
                continue
            box_xywh, kps, col = next(poses)
            result.persons.append(Person(box_xywh, kps, self._track_id(col)))
        self._remember(result.tracked, keypoints)

    def _memory_step(self, image: np.ndarray, detections, result: FrameResult) -> None:
        """One frame of the memory mode (``lib.memory.loop``) with this tracker's models."""
        def detect(frame):
            return self._candidate_boxes(frame, detections, result)

        def estimate(frame, boxes_xyxy, track_ids):
            return self._estimate(frame, [geometry.xyxy_to_xywh(b) for b in boxes_xyxy.tolist()],
                                  result)

        def is_lost(keypoints):
            return geometry.top_k_mean_scores(keypoints, self.lost_top_k) < self.lost_score_thresh

        step = self._memory.step(self._frame_idx, image, detect, estimate, is_lost)
        result.is_keyframe = step.is_keyframe
        result.persons = [Person(geometry.xyxy_to_xywh(box), kps, track_id) for track_id, box, kps
                          in zip(step.track_ids, step.boxes_xyxy.tolist(), step.keypoints)]
        result.num_persons = len(result.persons)

    def _candidate_boxes(self, image, detections, result: FrameResult) -> np.ndarray:
        """Detections enlarged as at a keyframe, valid ones only, (N, 4) xyxy."""
        height, width = image.shape[:2]
        boxes = []
        for box in self._detect(image, detections, result).tolist():
            enlarged = geometry.enlarge_box(box, self.enlarge_scale)
            if enlarged is not None and enlarged[0] < width and enlarged[1] < height \
                    and geometry.box_valid(geometry.xyxy_to_xywh(enlarged)):
                boxes.append(enlarged)
        return geometry.as_boxes(boxes)

    def _remember(self, persons: list[Person], keypoints: np.ndarray) -> None:
        """Keep this frame's tracked persons (and their stacked poses) for the next frame."""
        self._previous, self._previous_keypoints = persons, keypoints

    def _track_id(self, col: int) -> int:
        if col >= 0:
            return self._previous[col].track_id
        self._next_id += 1
        return self._next_id - 1

    def _associate(self, boxes_xywh: list, keypoints: np.ndarray) -> np.ndarray:
        prev = self._previous
        if not prev:
            return np.full(len(boxes_xywh), -1, dtype=np.int64)
        boxes_xyxy = geometry.as_boxes([geometry.xywh_to_xyxy(b) for b in boxes_xywh])
        prev_xyxy = geometry.as_boxes([geometry.xywh_to_xyxy(p.box_xywh) for p in prev])
        iou = geometry.iou_matrix(boxes_xyxy, prev_xyxy)
        distances = None
        if self.matcher is not None:
            distances = lambda: self.matcher.distances(  # noqa: E731
                boxes_xyxy, keypoints, prev_xyxy, self._previous_keypoints)
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

    def _estimate(self, image, boxes_xywh: list, result: FrameResult) -> np.ndarray:
        """Poses (N, K, 3) inside the given boxes, in one estimator call."""
        if not boxes_xywh:
            return np.zeros((0, self.num_joints, 3))
        boxes_xyxy = np.array([geometry.xywh_to_xyxy(b) for b in boxes_xywh])
        start = time.perf_counter()
        keypoints = self.estimator.estimate(image, boxes_xyxy)
        result.pose_seconds += time.perf_counter() - start
        keypoints = geometry.sanitize_keypoints(keypoints, self.num_joints)
        if len(keypoints) != len(boxes_xywh):
            raise ValueError(f"pose estimator gave {len(keypoints)} poses for {len(boxes_xywh)} boxes")
        return keypoints


def _check_image(image) -> None:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 \
            or image.shape[0] == 0 or image.shape[1] == 0:
        shape = getattr(image, "shape", type(image).__name__)
        raise ValueError(f"a frame must be an (H, W, 3) image array, got {shape}")

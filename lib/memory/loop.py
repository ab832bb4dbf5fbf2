"""One frame of the memory mode (numpy): follow the active tracks with keypoint velocity, check
for newcomers on a short period, associate globally at keyframes, keep lost tracks.

The tracker calls ``MemoryLoop.step`` with its own detector and estimator wrapped as plain
functions, so model timing, box enlargement and the lost-pose test stay in the tracker.

Per frame, in order:
- keyframe (every ``keyframe_interval`` frames, the first frame at or after each multiple when
  a live source skipped frames, or when no track is active): detect, estimate every
  candidate's pose, associate the candidates whose pose passes the lost test with the active
  and lost tracks in one assignment
  (``TrackMemory.keyframe``; a box on something that is no person's pose starts nothing); an active
  track no detection continues is followed (``follow_undetected``) or lost;
- otherwise follow: estimate each active track in the box of its velocity-predicted pose;
  a track whose pose is lost (or duplicates another track's person) becomes lost;
- a newcomer check (every ``check_interval`` frames, and on a frame where a track was lost):
  detect, drop detections that continue a followed track, estimate the rest, keep the poses
  that pass the lost test and are no followed person's, and associate them with the lost
  tracks (re-identified or new).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from lib.memory.newcomers import ChangeTrigger, covered
from lib.memory.tracks import TrackMemory


@dataclass
class MemoryStep:
    """What one frame produced: whether it was a keyframe, and the active tracks' ids,
    boxes_xyxy (N, 4), keypoints (N items (K, 3)) and the frames they started at."""

    is_keyframe: bool
    track_ids: list[int]
    boxes_xyxy: np.ndarray
    keypoints: list[np.ndarray]
    first_frames: list[int]


class MemoryLoop:
    """The memory mode's frame logic over a ``TrackMemory`` (whose ``params`` give the newcomer
    check's period, cover IoU and trigger).

    keyframe_interval: frames between scheduled keyframes (as the published mode).
    """

    def __init__(self, memory: TrackMemory, *, keyframe_interval: int):
        params = memory.params
        self.memory, self.keyframe_interval = memory, keyframe_interval
        self.check_interval = max(0, int(round(params.check_seconds * memory.fps)))
        if params.check_seconds > 0:
            self.check_interval = max(1, self.check_interval)
        self.cover_iou = params.cover_iou
        self.trigger = ChangeTrigger() if params.change_trigger else None
        self.reset()

    def reset(self) -> None:
        self.memory.reset()
        if self.trigger is not None:
            self.trigger.reset()
        self._last_idx = -1  # the frame index of the previous step

    def step(self, frame_idx: int, image: np.ndarray, detect: Callable, estimate: Callable,
             is_lost: Callable, assign: Callable | None = None) -> MemoryStep:
        """detect(image) -> candidate boxes_xyxy (N, 4) (enlarged, valid);
        estimate(image, boxes_xyxy, track_ids) -> keypoints (N, K, 3) (track_ids None for
        candidates); is_lost(keypoints) -> (N,) bool; assign(track_ids): after candidates were
        associated, the track id (or None) of each pose of the last ``estimate`` call (the
        estimator's ``assign``)."""
        self._assign = assign or (lambda track_ids: None)
        last_idx, self._last_idx = self._last_idx, frame_idx
        keyframe = (not self.memory.active
                    or crossed(last_idx, frame_idx, self.keyframe_interval))
        if keyframe:
            self._keyframe(frame_idx, image, detect, estimate, is_lost)
        else:
            gone = self._follow(frame_idx, image, estimate, is_lost, list(self.memory.active))
            if gone or self._check_due(last_idx, frame_idx, image):
                self._newcomers(frame_idx, image, detect, estimate, is_lost)
        self.memory.expire(frame_idx)
        active = list(self.memory.active.values())
        return MemoryStep(keyframe, [t.track_id for t in active],
                          np.array([t.box_xyxy for t in active]).reshape(-1, 4),
                          [t.keypoints for t in active], [t.first_seen for t in active])

    def _keyframe(self, frame_idx, image, detect, estimate, is_lost) -> None:
        boxes = np.asarray(detect(image), dtype=np.float64).reshape(-1, 4)
        keypoints = estimate(image, boxes, None)
        seen = ~np.asarray(is_lost(keypoints), dtype=bool) if len(boxes) else np.zeros(0, bool)
        ids = self.memory.keyframe(frame_idx, image, boxes[seen], keypoints[seen])
        if len(boxes):  # the estimator gave these poses in its last call
            self._assign(_spread(ids, seen))
        missed = [t for t in self.memory.active if t not in ids]
        if self.memory.params.follow_undetected:
            self._follow(frame_idx, image, estimate, is_lost, missed, confirmed=ids)
        else:
            for track_id in missed:
                self.memory.lose(track_id)

    def _follow(self, frame_idx, image, estimate, is_lost, track_ids, confirmed=()) -> bool:
        """Estimate ``track_ids`` in their predicted boxes; the lost and the duplicates become
        lost tracks. True when any did."""
        if not track_ids:
            return False
        ids, boxes = self.memory.follow_boxes(frame_idx, track_ids)
        usable = np.isfinite(boxes).all(axis=1)
        keypoints = estimate(image, boxes[usable], [t for t, u in zip(ids, usable) if u])
        lost = ~usable
        lost[usable] = is_lost(keypoints)
        for track_id in [t for t, gone in zip(ids, lost) if gone]:
            self.memory.lose(track_id)
        kept = [t for t, gone in zip(ids, lost) if not gone]
        duplicates = self.memory.follow(frame_idx, kept, boxes[~lost],
                                        keypoints[~lost[usable]], confirmed=confirmed,
                                        image=image)
        return bool(lost.any() or duplicates)

    def _check_due(self, last_idx: int, frame_idx: int, image: np.ndarray) -> bool:
        if self.check_interval <= 0 or not crossed(last_idx, frame_idx, self.check_interval):
            return False
        if self.trigger is None:
            return True
        boxes = np.array([t.box_xyxy for t in self.memory.active.values()]).reshape(-1, 4)
        return self.trigger.changed(image, boxes)

    def _newcomers(self, frame_idx, image, detect, estimate, is_lost) -> None:
        self.memory.refresh_appearance(frame_idx, image)
        boxes = np.asarray(detect(image), dtype=np.float64).reshape(-1, 4)
        followed = np.array([t.box_xyxy for t in self.memory.active.values()]).reshape(-1, 4)
        boxes = boxes[~covered(boxes, followed, self.cover_iou)]
        if len(boxes):
            keypoints = estimate(image, boxes, None)
            seen = ~np.asarray(is_lost(keypoints), dtype=bool)
            ids = self.memory.newcomers(frame_idx, image, boxes[seen], keypoints[seen]) \
                if seen.any() else []
            self._assign(_spread(ids, seen))


def _spread(ids: list, mask: np.ndarray) -> list:
    """``ids`` of the rows where ``mask`` is True, None in the other rows."""
    found = iter(ids)
    return [next(found) if kept else None for kept in mask.tolist()]


def crossed(last_idx: int, frame_idx: int, interval: int) -> bool:
    """A multiple of ``interval`` lies in (last_idx, frame_idx]: frames skipped by a live
    source move a keyframe or check to the first frame at or after its multiple."""
    return frame_idx // interval > last_idx // interval

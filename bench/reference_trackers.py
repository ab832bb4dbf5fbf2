"""ByteTrack and OC-SORT of the ``trackers`` package as pose trackers: the detector on every
frame, ids from the box tracker, poses estimated in the tracked boxes (numpy + trackers).

``BoxTrackerPoses`` has the ``step(image) -> FrameResult`` / ``reset()`` contract of
``LightTracker``, so the same frame loop and scoring serve both. Boxes are enlarged and passed
to the pose estimator exactly as the LightTracker passes a keyframe detection.
"""
from __future__ import annotations

import numpy as np
import supervision as sv
import trackers

from lib import geometry
from lib.cli import VIDEO_FPS
from lib.interfaces import FrameResult, Track

# kind -> (tracker class, keywords making every reported box a confident one: class doc)
BOX_TRACKERS = {
    "bytetrack": (trackers.ByteTrackTracker,
                  {"high_conf_det_threshold": 0.0, "track_activation_threshold": 0.0}),
    "ocsort": (trackers.OCSORTTracker, {"high_conf_det_threshold": 0.0}),
}


class BoxTrackerPoses:
    """Detector + ``trackers`` box tracker ``kind`` ("bytetrack", "ocsort") + pose estimator.

    Call ``step(image)`` once per frame, every frame, and ``reset()`` between videos. A box the
    tracker has not confirmed yet (tracker id -1) is left out. Every box the detector reports
    (it already dropped those under its own score threshold) counts as a confident detection
    that may start a track, as every keyframe detection does for the LightTracker: the
    package's defaults (0.6, and 0.7 to start a ByteTrack track) suit YOLOX's scores and would
    leave out most boxes of a detector whose scores are lower.
    """

    def __init__(self, kind: str, detector, estimator, *, enlarge_scale: float = 0.2,
                 frame_rate: float = VIDEO_FPS):
        self.kind, self.detector, self.estimator = kind, detector, estimator
        self.enlarge_scale, self.frame_rate = enlarge_scale, frame_rate
        self.lost_score_thresh = estimator.lost_score_thresh
        self.reset()

    def reset(self) -> None:
        tracker_class, confident = BOX_TRACKERS[self.kind]
        self._tracker = tracker_class(frame_rate=self.frame_rate, **confident)
        self._frame_idx = 0
        self.estimator.reset()

    def step(self, image: np.ndarray) -> FrameResult:
        result = FrameResult(frame_idx=self._frame_idx, is_keyframe=True)
        self._frame_idx += 1
        boxes_xyxy, scores = self.detector.detect(image)
        detections = sv.Detections(xyxy=geometry.as_boxes(boxes_xyxy).reshape(-1, 4),
                                   confidence=np.asarray(scores, float).reshape(-1))
        tracked = self._tracker.update(detections)
        height, width = image.shape[:2]
        boxes, ids = [], []
        for box, track_id in zip(tracked.xyxy.tolist(), tracked.tracker_id.tolist()):
            enlarged = geometry.enlarge_box(box, self.enlarge_scale)
            if track_id < 0 or enlarged is None or enlarged[0] >= width or enlarged[1] >= height:
                continue
            if geometry.box_valid(enlarged):
                boxes.append(enlarged)
                ids.append(int(track_id))
        result.num_persons = len(boxes)
        if boxes:
            keypoints = self.estimator.estimate(image, geometry.published_boxes(boxes), ids)
            result.persons = [Track(track_id, tuple(box), kps, self._frame_idx - 1,
                                    self._frame_idx - 1)
                              for box, kps, track_id in zip(boxes, keypoints, ids)]
        return result

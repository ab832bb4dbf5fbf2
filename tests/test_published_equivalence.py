"""LightTracker against an independent reference: the published demo loop's logic
(bench/published_loop.py, lists of dicts and a rewinding frame counter) on replayed input."""
import numpy as np
import pytest

from bench.bench_tracker import Replay, frames
from bench.published_loop import published_loop
from lib.formats.opensvai import frame_to_dict
from lib.tracker import LightTracker


class Vanishing(Replay):
    """Replay whose person 0 leaves at ``leave`` (not detected, its tracked pose scores 0.1);
    poses rounded to 3 decimals as the published estimators return them."""

    def __init__(self, num_people, num_frames, leave, seed):
        super().__init__(num_people, num_frames, seed)
        self.leave = leave

    def detect(self, image):
        boxes, scores = super().detect(image)
        if self.index(image) >= self.leave:
            boxes, scores = boxes[1:], scores[1:]
        return boxes, scores

    def estimate(self, image, boxes_xyxy, track_ids=None):
        poses = np.round(super().estimate(image, boxes_xyxy), 3)
        if self.index(image) >= self.leave:
            person_0 = self.poses[self.index(image)][0]
            poses[np.all(np.abs(poses[:, :, :2] - person_0[:, :2]) < 1e-3, axis=(1, 2)), :, 2] = 0.1
        return poses


@pytest.mark.parametrize("people,interval,seed", [(2, 40, 0), (6, 10, 1), (4, 3, 2), (3, 1, 3)])
def test_same_ids_and_boxes_as_the_published_loop(people, interval, seed):
    replay = Vanishing(people, 120, leave=58, seed=seed)
    images = frames(120)

    def pose(image, bbox):
        box = np.array([[bbox[0], bbox[1], bbox[0] + bbox[2], bbox[1] + bbox[3]]])
        return replay.estimate(image, box)[0].ravel().tolist()
    reference = published_loop(images, lambda image: replay.detect(image)[0], pose, interval)
    tracker = LightTracker(replay, replay, keyframe_interval=interval)
    ours = [tracker.step(image) for image in images]
    written = [frame_to_dict("", "", r.frame_idx, r.persons, r.rejected)["candidates"] for r in ours]
    assert [[r["track_id"] for r in frame] for frame in reference] == \
        [[c.get("track_id") for c in frame] for frame in written]
    for frame, candidates in zip(reference, written):
        np.testing.assert_allclose([r["bbox"] for r in frame], [c["det_bbox"] for c in candidates])
    assert any(result.is_keyframe and result.frame_idx % interval for result in ours) or interval == 1

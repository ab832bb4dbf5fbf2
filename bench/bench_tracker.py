"""Framework-only speed of LightTracker: a deterministic synthetic sequence replayed through
replay components; reports frames/s (and ms per frame for ``--association memory``) outside
detection and pose estimation (the published ``total_time_LIGHTTRACK``). The last line is one
JSON object."""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from bench.published_loop import published_loop
from lib.interfaces import Detector, StatelessPoseEstimator
from lib.runner import Frame, run
from lib.tracker import LightTracker


class Replay(Detector, StatelessPoseEstimator):
    """Detector and estimator that look up precomputed boxes and poses by frame index (the
    frame's first pixel), so their own cost is a dictionary lookup."""

    lost_score_thresh = 0.6

    def __init__(self, num_people: int, num_frames: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        low, high = np.array([60.0, 60.0]), np.array([580.0, 300.0])  # centres stay in frame
        starts = rng.uniform(low, high, size=(num_people, 2))
        velocity = rng.uniform(-1.5, 1.5, size=(num_people, 2))
        shape = rng.uniform(-40, 40, size=(num_people, 15, 2))
        self.poses = []
        for t in range(num_frames):
            span = high - low  # bounce between the walls
            centre = low + np.abs((starts - low + velocity * t) % (2 * span) - span)
            xy = centre[:, None, :] + shape
            self.poses.append(np.concatenate([xy, np.ones((num_people, 15, 1))], axis=2))

    @staticmethod
    def index(image: np.ndarray) -> int:
        return int(image[0, 0, 0]) + 256 * int(image[0, 0, 1])

    def detect(self, image):
        poses = self.poses[self.index(image)]
        boxes = np.concatenate([poses[:, :, :2].min(1), poses[:, :, :2].max(1)], axis=1)
        return boxes, np.ones(len(boxes))

    def estimate(self, image, boxes_xyxy, track_ids=None):
        poses = self.poses[self.index(image)]
        centres = poses[:, :, :2].mean(axis=1)
        box_centres = (boxes_xyxy[:, :2] + boxes_xyxy[:, 2:]) / 2
        nearest = np.argmin(((box_centres[:, None] - centres[None]) ** 2).sum(-1), axis=1)
        return poses[nearest]


def frames(num_frames: int):
    images = []
    for t in range(num_frames):
        image = np.zeros((360, 640, 3), np.uint8)
        image[0, 0, 0], image[0, 0, 1] = t % 256, t // 256
        images.append(image)
    return images


def framework_fps(num_people: int, interval: int, num_frames: int, repeats: int,
                  association: str = "published") -> float:
    replay = Replay(num_people, num_frames)
    tracker = LightTracker(replay, replay, keyframe_interval=interval, association=association)
    images = frames(num_frames)
    best = 0.0
    for _ in range(repeats):
        stats = run(tracker, [Frame(t, img) for t, img in enumerate(images)])
        best = max(best, stats.fps(stats.time_lighttrack))
    return best


def published_fps(num_people: int, interval: int, num_frames: int, repeats: int) -> float:
    """The same measurement for the published loop's logic (bench/published_loop.py)."""
    replay = Replay(num_people, num_frames)
    images = frames(num_frames)
    spent = [0.0]

    def detect(image):
        start = time.perf_counter()
        boxes = replay.detect(image)[0]
        spent[0] += time.perf_counter() - start
        return boxes

    def pose(image, bbox_xywh):
        start = time.perf_counter()
        box = np.array([[bbox_xywh[0], bbox_xywh[1], bbox_xywh[0] + bbox_xywh[2],
                         bbox_xywh[1] + bbox_xywh[3]]])
        keypoints = [round(v, 3) for v in replay.estimate(image, box)[0].ravel().tolist()]
        spent[0] += time.perf_counter() - start
        return keypoints

    best = 0.0
    for _ in range(repeats):
        spent[0] = 0.0
        start = time.perf_counter()
        published_loop(images, detect, pose, interval)
        best = max(best, num_frames / (time.perf_counter() - start - spent[0]))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300, help="frames per sequence")
    parser.add_argument("--repeats", type=int, default=5, help="runs per setting; best is kept")
    args = parser.parse_args()
    result = {}
    for people, interval in ((2, 40), (6, 10)):
        ours = round(framework_fps(people, interval, args.frames, args.repeats))
        published = round(published_fps(people, interval, args.frames, args.repeats))
        result[f"framework_fps_{people}p"] = ours
        result[f"published_fps_{people}p"] = published
        print(f"{people} people, keyframe interval {interval}: {ours} frames/s framework only "
              f"(published loop on the same input: {published})")
    for people, interval in ((6, 40), (6, 10)):
        memory = framework_fps(people, interval, args.frames, args.repeats, "memory")
        result[f"memory_ms_{people}p_kf{interval}"] = round(1000.0 / memory, 3)
        print(f"{people} people, keyframe interval {interval}, --association memory: "
              f"{1000.0 / memory:.2f} ms per frame framework only (newcomer check every "
              f"0.2 s included)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

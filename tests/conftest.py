"""Scripted fakes shared by the tests: frames that carry their index, a detector and an
estimator that replay a scripted world, and a matcher that returns a given table."""
from __future__ import annotations

import signal

import numpy as np
import pytest

from lib.interfaces import NUM_JOINTS, Detector, Matcher, StatelessPoseEstimator

# A shell without job control starts background jobs with SIGINT ignored, and an ignored signal
# stays ignored in every child; the tests that interrupt a script with SIGINT need it live.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FRAME_SHAPE = (360, 640, 3)


def make_frame(idx: int) -> np.ndarray:
    """A blank frame whose first pixel encodes ``idx`` (so fakes know which frame they see)."""
    image = np.zeros(FRAME_SHAPE, dtype=np.uint8)
    image[0, 0, 0], image[0, 0, 1] = idx % 256, idx // 256
    return image


def frame_index(image: np.ndarray) -> int:
    return int(image[0, 0, 0]) + 256 * int(image[0, 0, 1])


def make_pose(cx: float, cy: float, size: float = 100.0, score: float = 1.0) -> np.ndarray:
    """A (15, 3) pose spread over a box of ``size`` centred on (cx, cy)."""
    rng = np.random.default_rng(int(cx * 7 + cy * 13) % 1000)
    offsets = rng.uniform(-0.5, 0.5, size=(NUM_JOINTS, 2)) * size
    offsets[0], offsets[1] = (-0.5 * size, -0.5 * size), (0.5 * size, 0.5 * size)
    return np.column_stack([cx + offsets[:, 0], cy + offsets[:, 1], np.full(NUM_JOINTS, score)])


class World:
    """People per frame: ``people[frame_idx] = [(cx, cy), ...]`` (None entries: nobody there)."""

    def __init__(self, people: dict[int, list[tuple[float, float]]], size: float = 100.0):
        self.people, self.size = people, size

    def poses(self, idx: int) -> list[np.ndarray]:
        return [make_pose(cx, cy, self.size) for cx, cy in self.people.get(idx, [])]


class ReplayDetector(Detector):
    """Detects the world's people (tight boxes), or replays ``boxes[frame_idx]`` when given."""

    def __init__(self, world: World | None = None, boxes: dict | None = None):
        self.world, self.boxes, self.calls = world, boxes or {}, []

    def detect(self, image):
        idx = frame_index(image)
        self.calls.append(idx)
        if idx in self.boxes:
            boxes = np.asarray(self.boxes[idx], dtype=np.float64).reshape(-1, 4)
        else:
            poses = self.world.poses(idx) if self.world else []
            boxes = np.array([[p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()]
                              for p in poses]).reshape(-1, 4)
        return boxes, np.ones(len(boxes))


class ReplayEstimator(StatelessPoseEstimator):
    """Returns, for each box, the world's pose whose centre lies inside it (the nearest one);
    a box with nobody inside gets a pose with scores 0.1 (a lost target)."""

    lost_score_thresh = 0.6

    def __init__(self, world: World):
        self.world, self.calls = world, []

    def estimate(self, image, boxes_xyxy, track_ids=None):
        idx = frame_index(image)
        self.calls.append((idx, len(boxes_xyxy)))
        poses = self.world.poses(idx)
        out = []
        for x1, y1, x2, y2 in boxes_xyxy:
            centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
            inside = [p for p in poses if x1 <= p[:, 0].mean() <= x2 and y1 <= p[:, 1].mean() <= y2]
            if inside:
                out.append(min(inside, key=lambda p: np.linalg.norm(p[:, :2].mean(0) - centre)))
            else:
                out.append(make_pose(centre[0], centre[1], 20, score=0.1))
        return np.array(out).reshape(-1, NUM_JOINTS, 3)


class TableMatcher(Matcher):
    """Returns ``table(candidate_boxes, track_boxes)`` or a fixed matrix; records its calls."""

    def __init__(self, table):
        self.table, self.calls = table, 0

    def distances(self, boxes_xyxy, keypoints, track_boxes_xyxy, track_keypoints):
        self.calls += 1
        if callable(self.table):
            return self.table(boxes_xyxy, track_boxes_xyxy)
        return np.asarray(self.table, dtype=np.float64)


@pytest.fixture
def walking_world():
    """Two people walking right 2 px per frame for 100 frames."""
    return World({t: [(100 + 2 * t, 150), (400 + 2 * t, 200)] for t in range(100)})


TINY_VIDEOS = ["000001_synthetic", "000002_synthetic"]


@pytest.fixture(scope="session")
def tiny_posetrack(tmp_path_factory):
    """A synthetic PoseTrack'18 folder: 2 videos of 12 frames at 320x180."""
    from data.synthetic_posetrack import SyntheticOptions, write_dataset
    root = tmp_path_factory.mktemp("tiny_posetrack")
    write_dataset(str(root), len(TINY_VIDEOS), 12, seed=5, opts=SyntheticOptions(width=320, height=180))
    return root

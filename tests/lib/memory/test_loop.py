"""The memory mode's frame logic driven by scripted fakes: newcomers found early, a hidden person
re-identified, lost tracks never reported, expiry in seconds, fast movers followed."""
import dataclasses

import numpy as np

from lib import geometry
from lib.memory import motion
from lib.memory.loop import MemoryLoop
from lib.memory.tracks import MemoryParams, TrackMemory
from tests.conftest import ReplayDetector, ReplayEstimator, World, make_frame, make_pose


def enlarged(boxes_xyxy):
    return np.array([geometry.enlarge_box(b, 0.2) for b in boxes_xyxy.tolist()]).reshape(-1, 4)


def run(world, num_frames, *, interval=40, check=5, estimator=None, params=MemoryParams(),
        detector=None):
    detector = detector or ReplayDetector(world)
    estimator = estimator or ReplayEstimator(world)
    params = dataclasses.replace(params, check_seconds=check / 25)
    loop = MemoryLoop(TrackMemory(params=params, fps=25), keyframe_interval=interval)

    def estimate(image, boxes, track_ids):
        return estimator.estimate(image, boxes).reshape(-1, 15, 3)

    def is_lost(keypoints):
        return geometry.top_k_mean_scores(keypoints, 4) < 0.6

    steps = [loop.step(t, make_frame(t), lambda img: enlarged(detector.detect(img)[0]),
                       estimate, is_lost) for t in range(num_frames)]
    return steps, detector


def test_person_entering_is_tracked_within_10_frames():
    world = World({t: [(100, 150)] + ([(500, 200)] if t >= 13 else []) for t in range(60)})
    steps, detector = run(world, 60)
    first = next(t for t, s in enumerate(steps) if len(s.track_ids) == 2)
    assert 13 <= first <= 13 + 10
    assert all(s.track_ids == [0, 1] for s in steps[first:])
    assert detector.calls == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]


def test_no_checks_means_newcomer_waits_for_the_keyframe():
    world = World({t: [(100, 150)] + ([(500, 200)] if t >= 13 else []) for t in range(60)})
    steps, detector = run(world, 60, check=0)
    assert detector.calls == [0, 40] and len(steps[39].track_ids) == 1


def hidden_world(hidden=range(20, 35)):
    """A stands at x 320; B walks right 8 px per frame behind A, unseen during ``hidden``."""
    people = {}
    for t in range(60):
        b = (120 + 8 * t, 160)
        people[t] = [(320, 150)] + ([] if t in hidden else [b])
    return World(people)


def test_person_hidden_15_frames_comes_back_with_same_id():
    steps, _ = run(hidden_world(), 60)
    assert steps[10].track_ids == [0, 1]
    assert all(s.track_ids == [0] for s in steps[20:35])   # lost: not reported
    back = next(t for t in range(35, 60) if len(steps[t].track_ids) == 2)
    assert back <= 40 and sorted(steps[back].track_ids) == [0, 1]
    assert all(sorted(s.track_ids) == [0, 1] for s in steps[back:])


def test_lost_track_expires_after_its_time():
    # B is seen 3 s (75 frames at 25 fps), then hidden 2.2 s (55 frames), then back
    world = World({t: [(320, 150)] + ([] if 75 <= t < 130 else [(100 + 2 * t, 260)])
                   for t in range(150)})
    short, _ = run(world, 150, params=MemoryParams(max_lost_seconds=1.0))
    long, _ = run(world, 150, params=MemoryParams(max_lost_seconds=3.0))
    assert sorted(short[-1].track_ids) == [0, 2] and sorted(long[-1].track_ids) == [0, 1]
    # seen only 1 s before hiding: remembered at most as long as it was seen
    world = World({t: [(320, 150)] + ([] if t < 50 or 75 <= t < 130 else [(100 + 2 * t, 260)])
                   for t in range(150)})
    brief, _ = run(world, 150, params=MemoryParams(max_lost_seconds=3.0, remember_ratio=1.0))
    unlimited, _ = run(world, 150, params=MemoryParams(max_lost_seconds=3.0))
    assert sorted(brief[-1].track_ids) == [0, 2] and sorted(unlimited[-1].track_ids) == [0, 1]


class CroppingEstimator(ReplayEstimator):
    """Sees a person only when the box holds all of its joints (a real crop cuts the rest)."""

    def estimate(self, image, boxes_xyxy):
        out = super().estimate(image, boxes_xyxy)
        for pose, (x1, y1, x2, y2) in zip(out, boxes_xyxy):
            if not ((pose[:, 0] >= x1) & (pose[:, 0] <= x2) & (pose[:, 1] >= y1)
                    & (pose[:, 1] <= y2)).all():
                pose[:, 2] = 0.1
        return out


def test_fast_mover_is_followed_by_its_velocity():
    world = World({t: [(40 + 25 * t, 180)] for t in range(24)})
    steps, detector = run(world, 24, estimator=CroppingEstimator(world), check=0)
    assert all(s.track_ids == [0] for s in steps)
    assert detector.calls == [0, 1]   # frame 1 has no velocity yet: lost, found again
    static = MemoryParams(motion=motion.MotionParams(max_speed=0.0))
    steps, detector = run(world, 24, estimator=CroppingEstimator(world), check=0, params=static)
    assert all(s.track_ids == [0] for s in steps) and detector.calls == list(range(24))


def test_reset_restarts_ids():
    world = World({t: [(100, 150)] for t in range(10)})
    detector, estimator = ReplayDetector(world), ReplayEstimator(world)
    memory = TrackMemory(fps=25)
    loop = MemoryLoop(memory, keyframe_interval=40)
    args = (lambda img: enlarged(detector.detect(img)[0]),
            lambda img, b, ids: estimator.estimate(img, b).reshape(-1, 15, 3),
            lambda k: geometry.top_k_mean_scores(k, 4) < 0.6)
    assert loop.step(0, make_frame(0), *args).track_ids == [0]
    memory.lose(0)
    loop.reset()
    assert not memory.lost and loop.step(0, make_frame(0), *args).track_ids == [0]


def test_detector_miss_at_a_keyframe_does_not_end_a_followed_track():
    world = World({t: [(100, 150), (400, 200)] for t in range(50)})
    # at keyframe 40 the detector sees only the first person
    missing = ReplayDetector(world, boxes={40: [[50, 100, 150, 200]]})
    steps, _ = run(world, 50, detector=missing)
    assert all(s.track_ids == [0, 1] for s in steps)
    steps, _ = run(world, 50, detector=ReplayDetector(world, boxes={40: [[50, 100, 150, 200]]}),
                   params=MemoryParams(follow_undetected=False))
    assert steps[40].track_ids == [0] and sorted(steps[45].track_ids) == [0, 1]

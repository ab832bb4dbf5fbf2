"""LightTracker with ``association="memory"``, driven by scripted fakes: a person entering is
tracked within 10 frames, a person hidden 15 frames behind another keeps its id, lost persons
are not reported, detection on every frame switches no more ids than interval 40."""
import numpy as np
import pytest

from lib.tracker import LightTracker
from tests.conftest import ReplayDetector, ReplayEstimator, World, make_frame


def run(world, num_frames, **kwargs):
    detector = ReplayDetector(world)
    tracker = LightTracker(detector, ReplayEstimator(world), association="memory", **kwargs)
    return [tracker.step(make_frame(t)) for t in range(num_frames)], detector


def ids(result):
    return sorted(p.track_id for p in result.persons)


def entering_world():
    return World({t: [(100, 150)] + ([(500, 200)] if t >= 13 else []) for t in range(60)})


def test_person_entering_is_tracked_within_10_frames():
    results, _ = run(entering_world(), 60)
    first = next(t for t, r in enumerate(results) if len(r.persons) == 2)
    assert first <= 13 + 10 and all(ids(r) == [0, 1] for r in results[first:])


def test_published_mode_waits_for_the_keyframe():
    detector = ReplayDetector(entering_world())
    tracker = LightTracker(detector, ReplayEstimator(entering_world()))
    results = [tracker.step(make_frame(t)) for t in range(41)]
    assert len(results[39].persons) == 1 and len(results[40].persons) == 2


def hidden_world(hidden=range(20, 35), frames=60):
    """A stands at x 320; B walks right 8 px per frame behind A, unseen during ``hidden``."""
    return World({t: [(320, 150)] + ([] if t in hidden else [(120 + 8 * t, 160)])
                  for t in range(frames)})


@pytest.mark.parametrize("interval", [1, 10, 40])
def test_person_hidden_15_frames_comes_back_with_same_id(interval):
    results, _ = run(hidden_world(), 60, keyframe_interval=interval)
    assert ids(results[10]) == [0, 1]
    assert all(ids(r) == [0] for r in results[21:35])          # lost: never reported
    back = next(t for t in range(35, 60) if len(results[t].persons) == 2)
    assert back <= 40 and all(ids(r) == [0, 1] for r in results[back:])


def test_published_mode_gives_a_new_id_after_hiding():
    world = hidden_world()
    tracker = LightTracker(ReplayDetector(world), ReplayEstimator(world), keyframe_interval=1)
    results = [tracker.step(make_frame(t)) for t in range(60)]
    assert max(max(ids(r)) for r in results if r.persons) >= 2
    assert id_switches(results, world) >= 1


def id_switches(results, world):
    """Times a true person (nearest pose centre) changes track id between its frames."""
    last, switches = {}, 0
    for t, r in enumerate(results):
        truth = world.people.get(t, [])
        for p in r.persons:
            centre = p.keypoints[:, :2].mean(0)
            who = int(np.argmin([np.hypot(*(centre - np.array(c))) for c in truth]))
            key = truth[who][1]  # people differ by their y in these worlds
            if key in last and last[key] != p.track_id:
                switches += 1
            last[key] = p.track_id
    return switches


def test_detection_every_frame_switches_no_id_through_an_occlusion():
    world = hidden_world()
    every, _ = run(world, 60, keyframe_interval=1)
    assert id_switches(every, world) == 0


def test_reset_forgets_lost_tracks():
    world = hidden_world()
    detector = ReplayDetector(world)
    tracker = LightTracker(detector, ReplayEstimator(world), association="memory")
    for t in range(25):
        tracker.step(make_frame(t))
    tracker.reset()
    assert ids(tracker.step(make_frame(0))) == [0, 1]


def test_unknown_association_is_refused():
    with pytest.raises(ValueError, match="association"):
        LightTracker(None, ReplayEstimator(World({})), association="smart")


def test_skipped_frames_move_the_keyframe_to_the_next_frame():
    world = World({t: [(200, 150)] for t in range(30)})
    detector = ReplayDetector(world)
    tracker = LightTracker(detector, ReplayEstimator(world), association="memory",
                           keyframe_interval=10)
    results = [tracker.step(make_frame(t)) for t in range(9)]
    results.append(tracker.step(make_frame(12), frames_skipped=3))  # 9, 10, 11 dropped
    assert results[-1].frame_idx == 12 and results[-1].is_keyframe
    assert detector.calls == [0, 5, 12] and ids(results[-1]) == [0]


class AssignRecorder(ReplayEstimator):
    """Records every ``estimate`` call's size and every ``assign`` call."""

    def __init__(self, world):
        super().__init__(world)
        self.log = []

    def estimate(self, image, boxes_xyxy, track_ids=None):
        self.log.append(("estimate", len(boxes_xyxy)))
        return super().estimate(image, boxes_xyxy)

    def assign(self, track_ids):
        self.log.append(("assign", len(track_ids)))


def test_estimator_is_told_the_tracks_of_the_poses_it_just_gave():
    world = World({t: ([(200, 150)] if t < 3 or t > 6 else []) for t in range(12)})
    estimator = AssignRecorder(world)
    tracker = LightTracker(ReplayDetector(world), estimator, association="memory")
    for t in range(12):
        tracker.step(make_frame(t))
    for before, (call, size) in zip(estimator.log, estimator.log[1:]):
        if call == "assign":  # right after the estimate call whose poses it names
            assert before == ("estimate", size) and size > 0
    assert ("assign", 1) in estimator.log

"""The demo loop of SPEC §1, rule by rule, driven by scripted components."""
import numpy as np
import pytest

from lib.interfaces import StatelessPoseEstimator
from lib.tracker import LightTracker
from tests.conftest import ReplayDetector, ReplayEstimator, TableMatcher, World, make_frame


def run(tracker, frames):
    return [tracker.step(make_frame(t)) for t in frames]


def ids(result):
    return [p.track_id for p in result.persons]


def test_ids_kept_through_non_keyframes(walking_world):
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world),
                           keyframe_interval=10)
    results = run(tracker, range(30))
    assert all(ids(r) == [0, 1] for r in results)
    assert [r.is_keyframe for r in results[:11]] == [True] + [False] * 9 + [True]


def test_keyframe_timing(walking_world):
    detector = ReplayDetector(walking_world)
    tracker = LightTracker(detector, ReplayEstimator(walking_world), keyframe_interval=7)
    run(tracker, range(30))
    assert detector.calls == [0, 7, 14, 21, 28]


def test_default_interval_is_published_40(walking_world):
    detector = ReplayDetector(walking_world)
    run(LightTracker(detector, ReplayEstimator(walking_world)), range(81))
    assert detector.calls == [0, 40, 80]


def test_empty_keyframe_makes_next_frame_a_keyframe():
    world = World({t: [(200, 200)] for t in range(1, 10)})
    detector = ReplayDetector(world)
    tracker = LightTracker(detector, ReplayEstimator(world), keyframe_interval=40)
    results = run(tracker, range(5))
    assert detector.calls == [0, 1]
    assert results[0].persons == [] and results[0].is_keyframe
    assert results[1].is_keyframe and ids(results[1]) == [0]
    assert not results[2].is_keyframe and ids(results[2]) == [0]


def test_lost_target_redoes_the_same_frame_as_keyframe():
    # person B vanishes at frame 3: its tracked pose is lost, the frame is redone as a keyframe
    world = World({t: [(100, 150), (400, 150)] if t < 3 else [(100, 150)] for t in range(10)})
    detector, estimator = ReplayDetector(world), ReplayEstimator(world)
    tracker = LightTracker(detector, estimator, keyframe_interval=40)
    results = run(tracker, range(6))
    assert detector.calls == [0, 3]
    assert results[3].is_keyframe and ids(results[3]) == [0]
    assert ids(results[5]) == [0] and not results[5].is_keyframe
    # the discarded tracking pass estimated both people, then the keyframe estimated one
    assert estimator.calls[3:5] == [(3, 2), (3, 1)]


def test_lost_threshold_is_mean_of_four_best_scores():
    world = World({t: [(200, 200)] for t in range(5)})
    estimator = ReplayEstimator(world)
    weak = make_weak_estimator(estimator, best4=[0.61, 0.61, 0.6, 0.58])  # mean 0.6 -> kept
    tracker = LightTracker(ReplayDetector(world), weak, keyframe_interval=40)
    assert [r.is_keyframe for r in run(tracker, range(3))] == [True, False, False]
    weak = make_weak_estimator(estimator, best4=[0.6, 0.6, 0.6, 0.59])  # mean < 0.6 -> lost
    tracker = LightTracker(ReplayDetector(world), weak, keyframe_interval=40)
    assert [r.is_keyframe for r in run(tracker, range(3))] == [True, True, True]


def make_weak_estimator(inner, best4):
    class Weak(StatelessPoseEstimator):
        lost_score_thresh = 0.6

        def estimate(self, image, boxes_xyxy, track_ids=None):
            kps = inner.estimate(image, boxes_xyxy)
            kps[:, :, 2] = 0.1
            kps[:, :4, 2] = best4
            return kps
    return Weak()


def one_step_with_boxes(prev_box, new_boxes, matcher=None, **kwargs):
    """A keyframe with ``prev_box`` at frame 0, then a keyframe with ``new_boxes`` at frame 1.
    Every box holds a person (the estimator is told where)."""
    centre = lambda b: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)  # noqa: E731
    world = World({0: [centre(prev_box)], 1: [centre(b) for b in new_boxes]}, size=60)
    detector = ReplayDetector(boxes={0: [prev_box], 1: new_boxes})
    tracker = LightTracker(detector, ReplayEstimator(world), matcher, keyframe_interval=1,
                           enlarge_scale=1e-9, **kwargs)
    return run(tracker, [0, 1])


def test_iou_threshold_is_strict_and_uses_plus_one():
    # prev box [0,0,99,99] (area 100*100 with +1); new box shifted so IoU is just above/below 0.3
    prev = [0, 0, 99, 99]
    above = [0, 0, 99, 99 + 0]  # IoU 1
    assert ids(one_step_with_boxes(prev, [above])[1]) == [0]
    # shift by s: inter = (100-s)*100, union = 20000 - inter; IoU = 0.3 exactly at s = 100*(1-0.6/1.3)
    s = 100 - 60 / 1.3 * 1.0
    exact = [s, 0, 99 + s, 99]
    assert ids(one_step_with_boxes(prev, [exact])[1]) == [1]
    nearly = [s - 0.01, 0, 99 + s - 0.01, 99]
    assert ids(one_step_with_boxes(prev, [nearly])[1]) == [0]


def test_each_previous_track_matches_once_greedy_in_detection_order():
    prev = [100, 100, 199, 199]
    first, second = [110, 100, 209, 199], [100, 100, 199, 199]  # second overlaps more
    result = one_step_with_boxes(prev, [first, second])[1]
    assert ids(result) == [0, 1]


def test_matcher_is_used_only_for_what_overlap_leaves():
    prev = [100, 100, 199, 199]
    far, near = [400, 100, 499, 199], [105, 100, 204, 199]
    matcher = TableMatcher([[0.3], [0.1]])  # rows: candidates in order, column: the previous track
    result = one_step_with_boxes(prev, [far, near], matcher)[1]
    assert ids(result) == [1, 0]  # near continues by overlap; far is not matched (track used)


def test_matcher_threshold_and_smallest_distance():
    prev = [100, 100, 199, 199]
    far = [400, 100, 499, 199]
    assert ids(one_step_with_boxes(prev, [far], TableMatcher([[0.5]]))[1]) == [0]
    assert ids(one_step_with_boxes(prev, [far], TableMatcher([[0.51]]))[1]) == [1]
    # candidates are served in detection order: the first takes the track, the second is new
    matcher = TableMatcher([[0.4], [0.2]])
    assert ids(one_step_with_boxes(prev, [far, [520, 250, 619, 349]], matcher)[1]) == [0, 1]
    # negative threshold disables pose matching
    assert ids(one_step_with_boxes(prev, [far], TableMatcher([[0.0]]),
                                   match_thresh=-1)[1]) == [1]


def test_pose_match_first_mode_takes_first_within_threshold():
    from lib.association import associate
    iou = np.zeros((1, 3))
    dist = np.array([[0.9, 0.2, 0.2]])
    assert associate(iou, lambda: dist, iou_thresh=0.3, match_thresh=1.0, pose_match="first")[0] == 0
    assert associate(iou, lambda: dist, iou_thresh=0.3, match_thresh=1.0, pose_match="best")[0] == 2


def test_fresh_ids_and_invalid_boxes_are_listed_apart():
    world = World({0: [(100, 100), (300, 100)]})
    boxes = {0: [[50, 50, 150, 150], [3000, 50, 3100, 150], [250, 50, 350, 150]]}
    estimator = ReplayEstimator(world)
    tracker = LightTracker(ReplayDetector(world, boxes), estimator)
    result = tracker.step(make_frame(0))
    assert ids(result) == [0, 1] and estimator.calls == [(0, 2)]
    assert [r.index for r in result.rejected] == [1]
    np.testing.assert_array_equal(result.rejected[0].box_xyxy, boxes[0][1])
    assert result.num_persons == 3  # published: every detection counts


def test_reset_restarts_ids_and_counters_live_on_the_instance(walking_world):
    a = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    b = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    assert ids(a.step(make_frame(0))) == [0, 1]
    assert ids(b.step(make_frame(0))) == [0, 1]
    a.reset()
    result = a.step(make_frame(5))
    assert ids(result) == [0, 1] and result.frame_idx == 0 and result.is_keyframe


def test_published_person_count():
    world = World({t: [(100, 150), (400, 150)] if t < 3 else [(100, 150)] for t in range(6)})
    tracker = LightTracker(ReplayDetector(world), ReplayEstimator(world), keyframe_interval=40)
    counts = [r.num_persons for r in run(tracker, range(5))]
    # frames 0-2: 2 each; frame 3: 2 candidates, -1 lost, +1 detection; frame 4: 1
    assert counts == [2, 2, 2, 2, 1]


@pytest.mark.parametrize("frame", [np.zeros((0, 0, 3), np.uint8), np.zeros((10, 10), np.uint8),
                                   None])
def test_bad_frame_gives_clear_error(walking_world, frame):
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    with pytest.raises(ValueError, match="frame must be"):
        tracker.step(frame)


def test_zero_detections_forever_gives_empty_keyframes():
    world = World({})
    detector = ReplayDetector(world)
    results = run(LightTracker(detector, ReplayEstimator(world)), range(5))
    assert all(r.persons == [] and r.is_keyframe for r in results)
    assert detector.calls == [0, 1, 2, 3, 4]


def test_boxes_outside_the_image_are_invalid_not_a_crash():
    world = World({0: [(100, 100)]})
    boxes = {0: [[-500, -500, -400, -400], [5000, 100, 5100, 200], [np.nan, 0, 10, 10],
                 [50, 50, 150, 150]]}
    result = LightTracker(ReplayDetector(world, boxes), ReplayEstimator(world)).step(make_frame(0))
    assert ids(result) == [0] and [r.index for r in result.rejected] == [0, 1]  # NaN: not a box


def test_nan_keypoints_are_zero_score_joints():
    world = World({t: [(200, 200)] for t in range(5)})
    inner = ReplayEstimator(world)

    class NaNEstimator(StatelessPoseEstimator):
        lost_score_thresh = 0.6

        def estimate(self, image, boxes_xyxy, track_ids=None):
            kps = inner.estimate(image, boxes_xyxy)
            kps[:, :10] = np.nan
            return kps
    results = run(LightTracker(ReplayDetector(world), NaNEstimator()), range(3))
    assert np.isfinite(results[0].persons[0].keypoints).all()
    assert ids(results[2]) == [0]  # five good joints of score 1 keep the target

    class AllNaN(StatelessPoseEstimator):
        lost_score_thresh = 0.6

        def estimate(self, image, boxes_xyxy, track_ids=None):
            return np.full((len(boxes_xyxy), 15, 3), np.nan)
    results = run(LightTracker(ReplayDetector(world), AllNaN()), range(3))
    assert all(r.is_keyframe for r in results)  # all-NaN poses are lost targets, no crash


@pytest.mark.parametrize("interval", [0, -3, 2.5])
def test_bad_keyframe_interval(interval):
    with pytest.raises(ValueError, match="keyframe_interval"):
        LightTracker(None, None, keyframe_interval=interval)


def test_precomputed_detections_replace_the_detector():
    world = World({0: [(200, 200)]})
    tracker = LightTracker(None, ReplayEstimator(world))
    result = tracker.step(make_frame(0), detections=([[150, 150, 250, 250]], [0.9]))
    assert ids(result) == [0]
    with pytest.raises(ValueError, match="no detector"):
        LightTracker(None, ReplayEstimator(world), keyframe_interval=1).step(make_frame(0))


def test_empty_given_detections_can_end_tracks():
    world = World({t: [(200, 200)] for t in range(6)})
    box = [[150, 150, 250, 250]]
    tracker = LightTracker(None, ReplayEstimator(world), keyframe_interval=2,
                           empty_detections_end_tracks=True)
    dets = [(box, [1.0]), (box, [1.0]), (box, [1.0]), ([], []), (box, [1.0]), (box, [1.0])]
    results = [tracker.step(make_frame(t), detections=d) for t, d in enumerate(dets)]
    assert [ids(r) for r in results] == [[0], [0], [0], [], [1], [1]]
    assert [r.is_keyframe for r in results] == [True, False, True, False, True, False]


def test_estimator_is_told_which_track_each_box_continues(walking_world):
    """Per-video context is declared: track ids on tracked frames, ``assign`` after a
    keyframe's association, ``reset`` at the start of a video."""
    class Recording(ReplayEstimator):
        def __init__(self, world):
            super().__init__(world)
            self.told, self.resets = [], 0

        def estimate(self, image, boxes_xyxy, track_ids=None):
            self.told.append(("estimate", list(track_ids)))
            return super().estimate(image, boxes_xyxy)

        def assign(self, track_ids):
            self.told.append(("assign", list(track_ids)))

        def reset(self):
            self.resets += 1

    estimator = Recording(walking_world)
    tracker = LightTracker(ReplayDetector(walking_world), estimator, keyframe_interval=3)
    run(tracker, range(4))
    assert estimator.told == [("estimate", [None, None]), ("assign", [0, 1]),
                              ("estimate", [0, 1]), ("estimate", [0, 1]),
                              ("estimate", [None, None]), ("assign", [0, 1])]
    tracker.reset()
    assert estimator.resets == 2  # at construction and now


def test_skipped_frames_count_in_the_keyframe_schedule(walking_world):
    # a live source kept frames 0, 1, 2, 5, 9, ...: the keyframe falls on the first frame kept at
    # or after each multiple of the interval (0, 7, 14, 21, 28), and frame_idx counts real frames
    kept = [0, 1, 2, 5, 9, 10, 11, 19, 23, 30]
    multiples = range(0, kept[-1] + 1, 7)
    expected = sorted({min(t for t in kept if t >= m) for m in multiples})
    detector = ReplayDetector(walking_world)
    tracker = LightTracker(detector, ReplayEstimator(walking_world), keyframe_interval=7)
    results = [tracker.step(make_frame(t), frames_skipped=t - previous - 1)
               for previous, t in zip([-1] + kept, kept)]
    assert detector.calls == expected == [0, 9, 19, 23, 30]
    assert [r.frame_idx for r in results] == kept
    assert [r.frame_idx for r in results if r.is_keyframe] == expected
    assert all(ids(r) == [0, 1] for r in results)
    with pytest.raises(ValueError, match="frames_skipped"):
        tracker.step(make_frame(31), frames_skipped=-1)

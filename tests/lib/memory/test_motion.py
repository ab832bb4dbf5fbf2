"""Keypoint-velocity motion: constant velocity recovered, outlier joints ignored, clamping,
the history window in seconds."""
import numpy as np

from lib.memory import motion
from tests.conftest import make_pose

PARAMS = motion.MotionParams()


def one(old, new, frames, params=PARAMS):
    return motion.velocities(old[None], new[None], np.array([frames]), params)[0]


def test_velocity_of_a_walking_pose_is_its_step():
    base = make_pose(100, 200)
    assert np.allclose(one(base, base + np.array([35.0, -15.0, 0.0]), 5), [7, -3])


def test_one_wild_joint_does_not_move_the_body():
    base = make_pose(100, 200)
    later = base + np.array([4.0, 0.0, 0.0])
    later[6, :2] += 300  # a wrist jumps to another person
    assert np.allclose(one(base, later, 2), [2, 0])


def test_masked_median_agrees_with_numpy():
    rng = np.random.default_rng(1)
    values, mask = rng.normal(size=(50, 15)), rng.random((50, 15)) < 0.6
    ours = motion.masked_median(values, mask)
    for row in range(50):
        expected = np.median(values[row, mask[row]]) if mask[row].any() else 0.0
        assert np.isclose(ours[row], expected)


def test_velocity_is_clamped_to_the_persons_height_per_frame():
    base = make_pose(100, 200, size=100)
    height = motion.pose_heights(base[None], PARAMS.score_thresh)[0]
    v = one(base, base + np.array([500.0, 0.0, 0.0]), 1)
    assert np.isclose(np.hypot(*v), PARAMS.max_speed * height) and v[0] > 0 and v[1] == 0
    assert np.all(one(base, base + 9, 1, motion.MotionParams(max_speed=0.0)) == 0)


def test_no_velocity_without_shared_joints_or_time():
    base = make_pose(100, 200)
    unseen = base.copy()
    unseen[3:, 2] = 0.0  # only 3 joints seen: fewer than 3 shared after one more is hidden
    unseen[0, 2] = 0.0
    assert np.all(one(unseen, base + 5, 1) == 0)
    assert np.all(one(base, base + 5, 0) == 0)


def test_reference_is_the_oldest_pose_within_the_window():
    assert motion.reference_index([0, 3, 6, 9, 10], 5) == 2
    assert motion.reference_index([0, 10], 5) == 1
    assert motion.reference_index([4, 5, 6], 5) == 0


def test_predict_moves_joints_and_keeps_scores():
    pose = make_pose(100, 200, score=0.7)
    moved = motion.predict(pose, np.array([2.0, -1.0]), 3)
    assert np.allclose(moved[:, :2] - pose[:, :2], [6, -3]) and np.all(moved[:, 2] == 0.7)


def test_lost_prediction_stops_after_decay_time():
    assert motion.lost_frames_ahead(5, PARAMS, fps=25) == 5
    assert motion.lost_frames_ahead(100, PARAMS, fps=25) == PARAMS.lost_decay_seconds * 25


def test_pose_boxes_enlarge_the_usable_joints():
    pose = make_pose(0, 0) + np.array([200.0, 180.0, 0.0])
    pose[0, 2] = 0.0  # an unseen joint does not count
    rest = np.delete(pose, 0, axis=0)
    expected = np.concatenate([rest[:, :2].min(axis=0), rest[:, :2].max(axis=0)])
    width, height = expected[2:] - expected[:2]
    margin = np.array([int(0.1 * width), int(0.1 * height)])
    got = motion.pose_boxes(pose[None], 0.2)[0]
    assert np.allclose(got, np.concatenate([expected[:2] - margin, expected[2:] + margin]))
    pose[:, 2] = 0.0
    assert np.isnan(motion.pose_boxes(pose[None], 0.2)).all()

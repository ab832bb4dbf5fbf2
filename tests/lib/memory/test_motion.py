"""Keypoint-velocity motion: constant velocity recovered, outlier joints ignored, clamping."""
import numpy as np

from lib.memory import motion
from tests.conftest import make_pose

PARAMS = motion.MotionParams()


def test_velocity_of_a_walking_pose_is_its_step():
    base = make_pose(100, 200)
    moved = [base + np.array([7.0 * t, -3.0 * t, 0.0]) for t in range(6)]
    assert np.allclose(motion.velocity(list(range(6)), moved, PARAMS, fps=25), [7, -3])


def test_one_wild_joint_does_not_move_the_body():
    base = make_pose(100, 200)
    later = base + np.array([4.0, 0.0, 0.0])
    later[6, :2] += 300  # a wrist jumps to another person
    assert np.allclose(motion.velocity([0, 2], [base, later], PARAMS, fps=25), [2, 0])


def test_velocity_is_clamped_to_the_persons_height_per_frame():
    base = make_pose(100, 200, size=100)
    height = motion.pose_height(base, PARAMS.score_thresh)
    jump = base + np.array([500.0, 0.0, 0.0])
    v = motion.velocity([0, 1], [base, jump], PARAMS, fps=25)
    assert np.isclose(np.hypot(*v), PARAMS.max_speed * height) and v[0] > 0 and v[1] == 0


def test_no_velocity_without_shared_joints_or_history():
    base = make_pose(100, 200)
    unseen = base.copy()
    unseen[:, 2] = 0.0
    assert np.all(motion.velocity([0], [base], PARAMS, fps=25) == 0)
    assert np.all(motion.velocity([0, 1], [unseen, base + 5], PARAMS, fps=25) == 0)


def test_window_is_in_seconds():
    base = make_pose(100, 200)
    # the only older pose is 10 frames back: inside 0.2 s at 50 fps, outside at 25 fps
    poses = [base, base + np.array([20.0, 0.0, 0.0])]
    assert np.allclose(motion.velocity([0, 10], poses, PARAMS, fps=50), [2, 0])
    assert np.all(motion.velocity([0, 10], poses, PARAMS, fps=25) == 0)


def test_predict_moves_joints_and_keeps_scores():
    pose = make_pose(100, 200, score=0.7)
    moved = motion.predict(pose, np.array([2.0, -1.0]), 3)
    assert np.allclose(moved[:, :2] - pose[:, :2], [6, -3]) and np.all(moved[:, 2] == 0.7)


def test_lost_prediction_stops_after_decay_time():
    assert motion.lost_frames_ahead(5, PARAMS, fps=25) == 5
    assert motion.lost_frames_ahead(100, PARAMS, fps=25) == PARAMS.lost_decay_seconds * 25

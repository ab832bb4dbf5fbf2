"""Oracle pose estimator: annotated pose of the best-overlapping person, scores 1/0, noise."""
import numpy as np
import pytest

from data.synthetic_posetrack import SyntheticOptions, make_video, write_dataset
from lib.errors import LightTrackError
from lib.batch.oracle import OracleEstimator


def _person(x):
    kps = np.column_stack([np.linspace(x, x + 40, 15), np.linspace(10, 110, 15), np.ones(15)])
    kps[3] = 0  # not annotated
    return kps


@pytest.fixture
def oracle():
    keypoints = np.stack([_person(0), _person(200)])
    boxes = np.array([[0, 10, 40, 100], [200, 10, 40, 100]], dtype=float)
    oracle = OracleEstimator({"000000.jpg": (keypoints, boxes), "000001.jpg": (keypoints[:0], boxes[:0])})
    oracle.set_frame("000000.jpg")
    return oracle, keypoints


def test_best_overlap_pose_with_scores_one(oracle):
    oracle, keypoints = oracle
    out = oracle.estimate(None, np.array([[195, 0, 250, 120], [-5, 5, 45, 115], [400, 0, 450, 50]]))
    assert out.shape == (3, 15, 3)
    np.testing.assert_array_equal(out[0], keypoints[1])  # annotated joints: GT x, y and score 1
    np.testing.assert_array_equal(out[1], keypoints[0])
    assert not out[2].any()  # overlaps nobody: all zero (a lost target)
    assert out[0, 3].tolist() == [0, 0, 0]


def test_empty_frame_and_unknown_frame(oracle):
    oracle, _ = oracle
    oracle.set_frame("000001.jpg")
    assert not oracle.estimate(None, np.array([[0, 0, 50, 50]])).any()
    with pytest.raises(LightTrackError, match="no ground truth for frame 000099.jpg"):
        oracle.set_frame("000099.jpg")
    with pytest.raises(ValueError, match="set_frame"):
        OracleEstimator({}).estimate(None, np.zeros((1, 4)))


def test_noise_scales_with_box_height(oracle):
    _, keypoints = oracle
    noisy = OracleEstimator({"a": (keypoints, np.array([[0, 10, 40, 100.]] * 2))}, noise_std=0.05)
    noisy.set_frame("a")
    out = noisy.estimate(None, np.array([[0, 10, 40, 110]] * 200))
    errors = out[:, :, :2] - keypoints[0, :, :2]
    annotated = keypoints[0, :, 2] > 0
    assert errors[:, annotated].std() == pytest.approx(5.0, rel=0.1)  # 0.05 * height 100
    assert (out[:, annotated, 2] == 1).all()


def test_from_synthetic_annotations(tmp_path):
    opts = SyntheticOptions(width=320, height=180)
    write_dataset(str(tmp_path), 1, 3, seed=1, opts=opts)
    oracle = OracleEstimator.from_annotations(str(tmp_path / "annotations/val/000001_synthetic.json"))
    people = make_video(1, 0, 3, opts).frame(2, render=False)[1]
    oracle.set_frame("000002.jpg")
    x, y, w, h = people[0].box_xywh
    out = oracle.estimate(None, np.array([[x, y, x + w, y + h]]))
    np.testing.assert_allclose(out[0], people[0].keypoints, atol=1e-3)

"""OKS matcher: identity, symmetry, monotony, missing joints, and pycocotools' OKS."""
import numpy as np
import pytest
from pycocotools.cocoeval import COCOeval

from lib.errors import LightTrackError
from matcher.oks import JOINT_SIGMAS, OKSMatcher

K = len(JOINT_SIGMAS)


def pose(x0=100.0, y0=50.0, scale=1.0, seed=0):
    """A (K, 3) pose with joints spread over about 100 x 200 pixels, all scores 1."""
    rng = np.random.default_rng(seed)
    xy = np.column_stack([rng.uniform(0, 100, K), rng.uniform(0, 200, K)]) * scale
    return np.column_stack([xy + [x0, y0], np.ones(K)])


def box_of(keypoints):
    return np.array([*keypoints[:, :2].min(0), *keypoints[:, :2].max(0)])


def dist(a, b, box_a=None, box_b=None, matcher=None):
    box_a = box_of(a) if box_a is None else box_a
    box_b = box_of(b) if box_b is None else box_b
    return (matcher or OKSMatcher()).distances(box_a[None], a[None], box_b[None], b[None])[0, 0]


def test_sigmas_cover_the_fifteen_joints():
    assert JOINT_SIGMAS.shape == (15,) and np.all(JOINT_SIGMAS > 0)


def test_identical_pose_has_distance_zero():
    assert dist(pose(), pose()) == pytest.approx(0.0, abs=1e-12)


def test_distance_is_symmetric_and_farther_is_larger():
    a, b, c = pose(), pose(x0=104), pose(x0=112)
    assert dist(a, b) == pytest.approx(dist(b, a))
    assert 0 < dist(a, b) < dist(a, c) < 1
    assert dist(a, pose(x0=2000)) == pytest.approx(1.0)


def test_matrix_shape_and_entries_match_pairs():
    cands, tracks = [pose(seed=1), pose(x0=300)], [pose(x0=303), pose(seed=1), pose(x0=600)]
    matrix = OKSMatcher().distances(np.array([box_of(p) for p in cands]), np.array(cands),
                                    np.array([box_of(p) for p in tracks]), np.array(tracks))
    assert matrix.shape == (2, 3)
    for i, a in enumerate(cands):
        for j, b in enumerate(tracks):
            assert matrix[i, j] == pytest.approx(dist(a, b))
    assert OKSMatcher().distances(np.zeros((0, 4)), np.zeros((0, K, 3)),
                                  np.zeros((2, 4)), np.zeros((2, K, 3))).shape == (0, 2)


def test_missing_or_low_score_joint_is_ignored():
    a, b = pose(), pose()
    b[3, :2] = 900.0                 # a joint far off ...
    assert dist(a, b, box_b=box_of(a)) > 0.05
    for missing in (np.nan, 0.1):    # ... no longer counts once it is NaN or below threshold
        b[3, 2] = missing
        assert dist(a, b, box_b=box_of(a)) == pytest.approx(0.0, abs=1e-12)
    b[3] = np.nan
    assert np.isfinite(dist(a, b, box_b=box_of(a)))


def test_no_common_joint_or_no_area_gives_distance_one():
    a, b = pose(), pose()
    a[:8, 2], b[8:, 2] = 0.0, 0.0
    assert dist(a, b) == 1.0
    single = np.full((K, 3), np.nan)
    single[0] = (10, 10, 1)
    assert dist(single, single, box_a=np.full(4, np.nan), box_b=np.full(4, np.nan)) == 1.0


def test_box_area_sets_the_scale_with_keypoint_extent_as_fallback():
    a, b = pose(), pose(x0=106)
    big = np.array([0, 0, 400, 400.0])
    assert dist(a, b, big, big) < dist(a, b)   # a larger person tolerates the same offset
    nan_box = np.full(4, np.nan)
    assert dist(a, b, nan_box, nan_box) == pytest.approx(
        dist(a, b, box_of(a), box_of(b)))


def test_agrees_with_pycocotools():
    """COCOeval.computeOks with our sigmas and the mean box area as the object area."""
    a, b = pose(seed=3), pose(x0=107, y0=45, seed=3)
    b[5:7, :2] += 20
    box = np.array([80, 40, 220, 280.0])
    gt = {"id": 1, "image_id": 1, "category_id": 1, "area": float(140 * 240), "iscrowd": 0,
          "bbox": [80, 40, 140, 240], "keypoints": np.column_stack([a[:, :2], 2 * a[:, 2]]).ravel()}
    dt = {"id": 1, "image_id": 1, "category_id": 1, "score": 1.0,
          "keypoints": b.ravel()}
    evaluator = COCOeval(iouType="keypoints")
    evaluator.params.kpt_oks_sigmas = JOINT_SIGMAS
    evaluator._gts, evaluator._dts = {(1, 1): [gt]}, {(1, 1): [dt]}
    evaluator.params.maxDets = [20]
    expected = evaluator.computeOks(1, 1)[0, 0]
    assert 0.2 < expected < 0.9
    assert dist(b, a, box, box) == pytest.approx(1.0 - expected, rel=1e-9)


def test_from_options_rejects_weights():
    assert isinstance(OKSMatcher.from_options(), OKSMatcher)
    with pytest.raises(LightTrackError, match="no weights"):
        OKSMatcher.from_options(weights_path="weights/GCN/epoch210_model.pt")

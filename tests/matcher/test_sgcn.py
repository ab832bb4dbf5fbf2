"""The ``sgcn`` matcher (SPEC §1.10) with the shipped weights: distances, held-out separation
and the tracker keeping ids through a camera jump (PyTorch)."""
from pathlib import Path

import numpy as np
import pytest
import torch

from graph.evaluation import match_accuracy, roc_auc
from graph.pairs import load_pairs
from graph.skeleton import keypoints_to_graphs
from lib import components
from lib.errors import LightTrackError
from lib.tracker import LightTracker
from matcher.sgcn import SGCNMatcher
from tests.conftest import ReplayDetector, ReplayEstimator, World, make_frame
from tests.graph.poses import ARMS_UP, STANDING, pose, random_shape

pytestmark = pytest.mark.slow

# positives and hard negatives (IoU >= 0.2) of 5 synthetic videos that training never saw, each
# pair's second pose zoomed 0.7-1.4x and shifted with its box; made with
#   python -m data.synthetic_posetrack --out DIR --videos 5 --seed 3 --frames 60 \
#       --width 1280 --height 720
#   python -m graph.make_pairs --annotations DIR/annotations --out heldout_pairs.npz \
#       --negatives hard --jitter --seed 3
HELDOUT = Path(__file__).parents[1] / "graph" / "data" / "heldout_pairs.npz"


@pytest.fixture(scope="module")
def matcher():
    return components.build("matcher", "sgcn", weights_path=None)  # the shipped weights


def test_shipped_weights_separate_heldout_positives_from_hard_negatives(matcher):
    graphs, labels = load_pairs(HELDOUT)
    assert labels.sum() > 100 and (labels == 0).sum() > 100
    with torch.no_grad():
        distances = matcher.model.distance(torch.from_numpy(graphs[:, 0]),
                                           torch.from_numpy(graphs[:, 1])).numpy()
    # measured 0.989 and 0.959 when the weights were made; chance is 0.5 for both
    assert roc_auc(distances, labels) > 0.95
    assert match_accuracy(distances, labels, 0.5) > 0.85  # at the demos' tracker threshold


def test_distances_are_one_batched_forward_and_match_pairwise(matcher):
    rng = np.random.default_rng(0)
    keypoints = np.stack([pose(random_shape(rng), 300 + 50 * i, 300, 250) for i in range(5)])
    boxes = np.column_stack([keypoints[:, :, 0].min(1) - 10, keypoints[:, :, 1].min(1) - 10,
                             keypoints[:, :, 0].max(1) + 10, keypoints[:, :, 1].max(1) + 10])
    calls = []
    hook = matcher.model.register_forward_hook(lambda *_: calls.append(1))
    try:
        dist = matcher.distances(boxes[:3], keypoints[:3], boxes[3:], keypoints[3:])
    finally:
        hook.remove()
    assert len(calls) == 1 and dist.shape == (3, 2)
    graphs = torch.from_numpy(keypoints_to_graphs(keypoints, boxes))
    with torch.no_grad():
        for i in range(3):
            for j in range(2):
                pair = matcher.model.distance(graphs[[i]], graphs[[3 + j]])
                assert dist[i, j] == pytest.approx(float(pair), rel=1e-4, abs=1e-5)


def test_distance_is_symmetric_zero_for_itself_and_ignores_a_joint_move_of_the_box(matcher):
    keypoints = np.stack([pose(STANDING, 300, 300, 250), pose(ARMS_UP, 500, 300, 250)])
    boxes = np.array([[200, 150, 400, 450], [400, 150, 600, 450]], dtype=float)
    dist = matcher.distances(boxes, keypoints, boxes, keypoints)
    np.testing.assert_allclose(dist, dist.T, rtol=1e-5)
    np.testing.assert_allclose(np.diag(dist), 0, atol=1e-5)
    moved = keypoints + [137, -61, 0]  # the same poses elsewhere (integer shift)
    moved_dist = matcher.distances(boxes + [137, -61, 137, -61], moved, boxes, keypoints)
    np.testing.assert_allclose(moved_dist, dist, atol=1e-5)
    assert dist[0, 1] > 0


def test_people_without_keypoints_or_box_are_infinitely_far(matcher):
    keypoints = np.stack([pose(STANDING, 300, 300, 250)] * 3)
    keypoints[1, :, 2] = 0  # no joint seen
    boxes = np.array([[200, 150, 400, 450]] * 3, dtype=float)
    boxes[2] = [np.nan, 0, 10, 10]
    dist = matcher.distances(boxes, keypoints, boxes[:1], keypoints[:1])
    assert np.isfinite(dist[0, 0]) and np.isinf(dist[1:, 0]).all()
    empty = matcher.distances(np.zeros((0, 4)), np.zeros((0, 15, 3)), boxes, keypoints)
    assert empty.shape == (0, 3)


def test_published_layout_file_loads_and_a_missing_one_says_what_to_do(tmp_path, matcher):
    path = tmp_path / "epoch210_model.pt"
    torch.save({f"module.{k}": v for k, v in matcher.model.state_dict().items()}, path)
    other = SGCNMatcher.from_options(weights_path=path)
    torch.testing.assert_close(other.model.fcn.weight, matcher.model.fcn.weight)
    with pytest.raises(LightTrackError, match="epoch210_model.pt from the released GCN.zip"):
        SGCNMatcher.from_options(weights_path=tmp_path / "none.pt")


class CameraJumpWorld(World):
    """Two people (standing, arms up) walking 1 px per frame; from ``jump_at`` on the camera
    has panned so that everyone is ``jump`` pixels further right (no box overlaps its past)."""

    def __init__(self, jump_at: int, jump: float = 280.0):
        super().__init__({})
        self.jump_at, self.jump = jump_at, jump

    def poses(self, idx):
        dx = idx + (self.jump if idx >= self.jump_at else 0)
        return [pose(STANDING, 150 + dx, 200, 220), pose(ARMS_UP, 290 + dx, 210, 200)]


@pytest.mark.parametrize("use_matcher, expected", [(False, [2, 3]), (True, [0, 1])])
def test_tracker_keeps_ids_through_a_camera_jump_only_with_sgcn(matcher, use_matcher, expected):
    world = CameraJumpWorld(jump_at=5)
    tracker = LightTracker(ReplayDetector(world), ReplayEstimator(world),
                           matcher if use_matcher else None, keyframe_interval=5)
    results = [tracker.step(make_frame(t)) for t in range(8)]
    assert [p.track_id for p in results[4].persons] == [0, 1]
    assert results[5].is_keyframe
    for t in (5, 7):
        assert [p.track_id for p in results[t].persons] == expected

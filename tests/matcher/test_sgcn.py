"""The ``sgcn`` matcher (SPEC §1.10) with the shipped weights: distances, held-out separation,
the numpy path against the PyTorch model, no framework imported, and the tracker keeping ids
through a camera jump."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from graph.evaluation import match_accuracy, roc_auc
from graph.model import TorchEmbedder, load_model
from matcher.sgcn import SGCNMatcher
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
ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PT = ROOT / "weights" / "GCN" / "sgcn_synthetic.pt"


@pytest.fixture(scope="module")
def matcher():
    return components.build("matcher", "sgcn", weights_path=None)  # the shipped weights


@pytest.fixture(scope="module")
def torch_model():
    return load_model(SHIPPED_PT)


def heldout_poses(seed: int = 0):
    """The held-out pairs as image poses: (boxes_xyxy (P, 2, 4), keypoints (P, 2, 15, 3)),
    each pose's graph offsets placed at a random integer top-left corner, scores 1."""
    graphs, _ = load_pairs(HELDOUT)
    offsets = graphs[:, :, :, 0, :, 0].transpose(0, 1, 3, 2).astype(np.float64)  # (P, 2, 15, 2)
    corners = np.random.default_rng(seed).integers(0, 1500, size=(*offsets.shape[:2], 1, 2))
    keypoints = np.concatenate([offsets + corners, np.ones((*offsets.shape[:3], 1))], axis=3)
    boxes = np.concatenate([corners[:, :, 0], corners[:, :, 0] + offsets.max(axis=2).clip(0)
                            + 1], axis=2)
    return boxes, keypoints


class CountingEmbedder:
    """An embedder that records the batch size of every call it passes on."""

    def __init__(self, embedder):
        self.embedder, self.num_class, self.calls = embedder, embedder.num_class, []

    def __call__(self, graphs):
        self.calls.append(len(graphs))
        return self.embedder(graphs)


def test_shipped_weights_separate_heldout_positives_from_hard_negatives(matcher):
    graphs, labels = load_pairs(HELDOUT)
    assert labels.sum() > 100 and (labels == 0).sum() > 100
    first, second = matcher.embedder(graphs[:, 0]), matcher.embedder(graphs[:, 1])
    distances = np.linalg.norm(first.astype(np.float64) - second, axis=1)
    # measured 0.989 and 0.959 when the weights were made; chance is 0.5 for both
    assert roc_auc(distances, labels) > 0.95
    assert match_accuracy(distances, labels, 0.5) > 0.85  # at the demos' tracker threshold


def test_distances_are_one_batched_forward_and_match_pairwise(matcher, torch_model):
    rng = np.random.default_rng(0)
    keypoints = np.stack([pose(random_shape(rng), 300 + 50 * i, 300, 250) for i in range(5)])
    boxes = np.column_stack([keypoints[:, :, 0].min(1) - 10, keypoints[:, :, 1].min(1) - 10,
                             keypoints[:, :, 0].max(1) + 10, keypoints[:, :, 1].max(1) + 10])
    counting = CountingEmbedder(matcher.embedder)
    dist = SGCNMatcher(counting).distances(boxes[:3], keypoints[:3], boxes[3:], keypoints[3:])
    assert counting.calls == [5] and dist.shape == (3, 2)
    graphs = torch.from_numpy(keypoints_to_graphs(keypoints, boxes))
    with torch.no_grad():  # the PyTorch model, one pair at a time
        for i in range(3):
            for j in range(2):
                pair = torch_model.distance(graphs[[i]], graphs[[3 + j]])
                assert dist[i, j] == pytest.approx(float(pair), rel=1e-4, abs=1e-5)


def test_numpy_distances_equal_the_pytorch_model_on_heldout_poses(matcher, torch_model):
    boxes, keypoints = heldout_poses()
    reference = SGCNMatcher(TorchEmbedder(torch_model))
    for rows in (slice(0, 40), slice(500, 540), slice(950, 996)):
        args = (boxes[rows, 0], keypoints[rows, 0], boxes[rows, 1], keypoints[rows, 1])
        dist, expected = matcher.distances(*args), reference.distances(*args)
        assert np.isfinite(dist).all() and dist.max() > 0.5  # positives and hard negatives
        np.testing.assert_allclose(dist, expected, rtol=1e-5, atol=1e-5)


def test_matching_imports_neither_torch_nor_tensorflow():
    code = ("import sys, numpy as np; from lib import components; "
            "m = components.build('matcher', 'sgcn', weights_path=None); m.reset(); "
            "k = np.random.default_rng(0).uniform(0, 300, (5, 15, 3)); "
            "b = np.column_stack([k[:, :, 0].min(1), k[:, :, 1].min(1), k[:, :, 0].max(1), "
            "k[:, :, 1].max(1)]); d = m.distances(b[:2], k[:2], b[2:], k[2:]); "
            "print(d.shape, bool(np.isfinite(d).all()), "
            "sorted({'torch', 'tensorflow'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "(2, 3) True []"


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


def test_published_layout_file_loads_and_a_missing_one_says_what_to_do(tmp_path, matcher,
                                                                       torch_model):
    path = tmp_path / "epoch210_model.pt"
    state = torch_model.state_dict()
    torch.save({f"module.{k}": v for k, v in state.items()}, path)
    other = SGCNMatcher.from_options(weights_path=path)  # read with torch, run in numpy
    boxes, keypoints = heldout_poses(seed=1)
    args = (boxes[:20, 0], keypoints[:20, 0], boxes[:20, 1], keypoints[:20, 1])
    np.testing.assert_array_equal(other.distances(*args), matcher.distances(*args))
    with pytest.raises(LightTrackError, match="epoch210_model.pt from the released GCN.zip"):
        SGCNMatcher.from_options(weights_path=tmp_path / "none.pt")
    with pytest.raises(LightTrackError, match="none.npz not found: export one with python -m "
                       "graph.export_numpy"):
        SGCNMatcher.from_options(weights_path=tmp_path / "none.npz")


def test_nan_checkpoint_is_one_clear_error(tmp_path, torch_model):
    state = {k: v.clone() for k, v in torch_model.state_dict().items()}
    state["fcn.weight"][3, 5] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    with pytest.raises(LightTrackError) as err:
        SGCNMatcher.from_options(weights_path=tmp_path / "nan.pt")
    assert "NaN, infinite or not numbers: fcn.weight" in str(err.value)
    assert "\n" not in str(err.value)


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

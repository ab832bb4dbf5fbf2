"""The SGCN network (SPEC §5.2): checkpoint layout, a numpy reference forward, loading, loss
and a few training steps (PyTorch)."""
import numpy as np
import pytest
import torch

from graph.model import SGCN, load_model, load_state
from graph.skeleton import spatial_adjacency
from graph.training import PairFeeder, contrastive_loss, make_optimizer
from graph.train_config import TrainConfig
from lib.errors import LightTrackError

pytestmark = pytest.mark.slow

PUBLISHED_SHAPES = {
    "A": (3, 15, 15), "data_bn.weight": (30,), "data_bn.bias": (30,),
    "data_bn.running_mean": (30,), "data_bn.running_var": (30,),
    "data_bn.num_batches_tracked": (), "st_gcn_networks.0.gcn.conv.weight": (192, 2, 1, 1),
    "st_gcn_networks.0.gcn.conv.bias": (192,), "st_gcn_networks.1.gcn.conv.weight": (192, 64, 1, 1),
    "st_gcn_networks.1.gcn.conv.bias": (192,), "edge_importance.0": (3, 15, 15),
    "edge_importance.1": (3, 15, 15), "fcn.weight": (128, 64, 1, 1), "fcn.bias": (128,)}


def published_state(seed=0):
    """A state dict in the released layout with random values, as DataParallel saved it."""
    gen = torch.Generator().manual_seed(seed)
    state = {f"module.{k}": torch.rand(shape, generator=gen) + 0.5
             for k, shape in PUBLISHED_SHAPES.items()}
    state["module.data_bn.num_batches_tracked"] = torch.tensor(7)
    return state


def reference_forward(state, graphs):
    """Independent numpy forward of SPEC §5.2 in eval mode: graphs (N, 2, 1, 15, 1) -> (N, 128)."""
    s = {k.removeprefix("module."): v.double().numpy() for k, v in state.items()}
    x = graphs[:, :, 0, :, 0].astype(np.float64)  # (N, C, V)
    bn = lambda v, c: (x[:, c, v] - s["data_bn.running_mean"][2 * v + c]) / np.sqrt(  # noqa: E731
        s["data_bn.running_var"][2 * v + c] + 1e-5) * s["data_bn.weight"][2 * v + c] \
        + s["data_bn.bias"][2 * v + c]
    x = np.stack([np.stack([bn(v, c) for v in range(15)], axis=1) for c in range(2)], axis=1)
    for block in range(2):
        w = s[f"st_gcn_networks.{block}.gcn.conv.weight"][:, :, 0, 0]
        bias = s[f"st_gcn_networks.{block}.gcn.conv.bias"]
        y = np.einsum("oc,ncv->nov", w, x) + bias[None, :, None]
        y = y.reshape(len(x), 3, 64, 15)
        x = np.maximum(np.einsum("nkcv,kvw->ncw", y, s["A"] * s[f"edge_importance.{block}"]), 0)
    pooled = x.mean(axis=2)
    return pooled @ s["fcn.weight"][:, :, 0, 0].T + s["fcn.bias"]


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return SGCN().eval()


def test_state_dict_has_the_published_keys_and_shapes(model):
    assert {k: tuple(v.shape) for k, v in model.state_dict().items()} == PUBLISHED_SHAPES
    np.testing.assert_array_equal(model.A.numpy(), spatial_adjacency())
    assert all((p == 1).all() for p in model.edge_importance)


def test_forward_matches_numpy_reference(tmp_path):
    state = published_state()
    path = tmp_path / "epoch210_model.pt"
    torch.save(state, path)
    loaded = load_model(path)
    assert not loaded.training
    graphs = np.random.default_rng(1).integers(-150, 150, size=(5, 2, 1, 15, 1)).astype(np.float32)
    with torch.no_grad():
        out = loaded(torch.from_numpy(graphs)).numpy()
    np.testing.assert_allclose(out, reference_forward(state, graphs), rtol=1e-4, atol=1e-3)


def test_distance_is_symmetric_and_zero_for_identical_input(model):
    gen = torch.Generator().manual_seed(2)
    a = torch.randn(6, 2, 1, 15, 1, generator=gen) * 80
    b = torch.randn(6, 2, 1, 15, 1, generator=gen) * 80
    with torch.no_grad():
        torch.testing.assert_close(model.distance(a, b), model.distance(b, a))
        assert (model.distance(a, a) == 0).all() and (model.distance(a, b) > 0).all()


@pytest.mark.parametrize("change, words", [
    (lambda s: s.pop("module.fcn.bias"), ["missing: fcn.bias"]),
    (lambda s: s.update({"module.extra": torch.zeros(1)}), ["unexpected: extra"]),
    (lambda s: s.update({"module.fcn.weight": torch.zeros(64, 64, 1, 1)}),
     ["wrong shape: fcn.weight (64, 64, 1, 1) != (128, 64, 1, 1)"])])
def test_mismatched_state_dict_is_one_clear_error(tmp_path, change, words):
    state = published_state()
    change(state)
    torch.save(state, tmp_path / "w.pt")
    with pytest.raises(LightTrackError) as err:
        load_model(tmp_path / "w.pt")
    assert all(w in str(err.value) for w in words) and "\n" not in str(err.value)


def test_missing_or_corrupt_file_names_the_fix(tmp_path):
    with pytest.raises(LightTrackError, match="not found: run make sgcn-weights"):
        load_model(tmp_path / "none.pt")
    (tmp_path / "bad.pt").write_bytes(b"garbage")
    with pytest.raises(LightTrackError, match="not a readable torch state dict"):
        load_model(tmp_path / "bad.pt")


def test_contrastive_loss_by_hand():
    d, y = torch.tensor([0.5, 0.3, 1.5]), torch.tensor([1, 0, 0])
    # (0.25 + 0.49 + 0) / 2
    assert float(contrastive_loss(d, y, margin=1.0)) == pytest.approx(0.37)


def test_feeder_draws_half_positives_of_min_length():
    graphs = np.broadcast_to(np.arange(30, dtype=np.float32)[:, None, None, None, None, None],
                             (30, 2, 2, 1, 15, 1)).copy()
    labels = np.array([1] * 10 + [0] * 20)
    feeder = PairFeeder(graphs, labels)
    items, item_labels = feeder.epoch(np.random.default_rng(0))
    assert len(feeder) == 10 and len(items) == 10
    # item i is the i-th positive (value i) or the i-th negative (value 10 + i)
    expected = np.where(item_labels == 1, np.arange(10), 10 + np.arange(10))
    np.testing.assert_array_equal(items[:, 0, 0, 0, 0, 0], expected)
    again, again_labels = feeder.epoch(np.random.default_rng(0))
    np.testing.assert_array_equal(again_labels, item_labels)
    assert 0 < item_labels.sum() < 10
    with pytest.raises(LightTrackError):
        PairFeeder(graphs[:5], labels[:5])


@pytest.fixture
def one_thread():
    """Tiny batches train fastest on one thread (two threads fight on a shared machine)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def test_a_few_steps_lower_the_loss_on_a_fixed_batch(one_thread):
    torch.manual_seed(0)
    model = SGCN().train()
    gen = torch.Generator().manual_seed(3)
    first = torch.randn(32, 2, 1, 15, 1, generator=gen) * 60
    second = torch.where(torch.arange(32)[:, None, None, None, None] < 16,
                         first + torch.randn(first.shape, generator=gen) * 3,
                         torch.randn(first.shape, generator=gen) * 60)
    labels = (torch.arange(32) < 16).long()
    optimizer = make_optimizer(model, TrainConfig())
    losses = []
    for _ in range(80):  # the published init starts with tiny embeddings: ~50 steps to take off
        loss = contrastive_loss(model.distance(first, second), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0]


def test_load_state_strips_module_prefix_and_overwrites_adjacency():
    state = published_state()
    model = SGCN()
    load_state(model, state)
    torch.testing.assert_close(model.A, state["module.A"])

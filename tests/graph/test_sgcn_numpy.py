"""The numpy SGCN forward against the PyTorch model in eval mode (random and shipped weights),
and its weight file's checks (one-line errors for missing, unreadable, misshapen or NaN files)."""
from pathlib import Path

import numpy as np
import pytest
import torch

from graph.model import SGCN, load_model
from graph.pairs import load_pairs
from graph.sgcn_numpy import NumpySGCN, check_weights, expected_shapes, load_weights
from lib.errors import LightTrackError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PT = ROOT / "weights" / "GCN" / "sgcn_synthetic.pt"
SHIPPED_NPZ = ROOT / "weights" / "GCN" / "sgcn_synthetic.npz"
HELDOUT = Path(__file__).parent / "data" / "heldout_pairs.npz"
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def random_model(seed: int) -> SGCN:
    """An eval-mode SGCN whose every parameter and buffer is random and far from its init:
    batch-norm variances from 1e-4 (where the epsilon matters) to 3e4 (pixel offsets) with
    means a few deviations off zero, a non-uniform adjacency and edge importance;
    ``model_inputs`` gives embeddings a few units large (so float32 keeps 1e-5)."""
    gen = torch.Generator().manual_seed(seed)
    model = SGCN().eval()
    with torch.no_grad():
        for name, value in model.state_dict().items():
            if name.startswith("data_bn.running") or name.endswith("num_batches_tracked"):
                continue
            if name == "A" or name.startswith("edge_importance") or name == "data_bn.weight":
                value.copy_(torch.rand(value.shape, generator=gen) + 0.5)
            else:
                value.copy_(torch.randn(value.shape, generator=gen) * 0.05)
        variance = 10 ** (torch.rand(model.data_bn.running_var.shape, generator=gen) * 8.5 - 4)
        model.data_bn.running_var.copy_(variance)
        model.data_bn.running_mean.copy_(torch.randn(variance.shape, generator=gen) * 3
                                         * variance.sqrt())
    return model


def arrays_of(model: SGCN) -> dict[str, np.ndarray]:
    return {key: value.numpy().copy() for key, value in model.state_dict().items()}


def random_graphs(seed: int, shape=(6, 2, 1, 15, 1)) -> np.ndarray:
    """Integer pixel offsets within +-300, as the matcher makes them."""
    return np.random.default_rng(seed).integers(-300, 300, size=shape).astype(np.float32)


def model_inputs(model: SGCN, seed: int, shape) -> np.ndarray:
    """Graphs (N, C, T, V, M) spread like the model's batch-norm statistics, channel v * C + c
    around its running mean with its running variance."""
    n, c, t, v, m = shape
    mean = model.data_bn.running_mean.numpy().reshape(1, 1, v, c, 1)
    std = np.sqrt(model.data_bn.running_var.numpy()).reshape(1, 1, v, c, 1)
    x = mean + std * np.random.default_rng(seed).normal(size=(n, t, v, c, m))
    return x.transpose(0, 3, 1, 2, 4).astype(np.float32)


@pytest.mark.slow
@pytest.mark.parametrize("seed, shape", [(0, (6, 2, 1, 15, 1)), (1, (5, 2, 3, 15, 2)),
                                         (2, (1, 2, 1, 15, 1))])
def test_forward_equals_torch_eval_forward_with_random_weights(seed, shape):
    model = random_model(seed)
    graphs = model_inputs(model, seed, shape)  # (N, C, T, V, M): time steps and persons pooled
    with torch.no_grad():
        expected = model(torch.from_numpy(graphs)).numpy()
    out = NumpySGCN(check_weights(arrays_of(model), "random"))(graphs)
    assert out.dtype == np.float32 and out.shape == (shape[0], 128)
    assert np.abs(expected).max() > 1  # large enough that a wrong term would show
    np.testing.assert_allclose(out, expected, **TOLERANCE)


@pytest.mark.slow
def test_forward_uses_every_weight():
    """Changing any single array of the state dict (but the batch counter) changes the output,
    so equality with torch above cannot come from a term both sides leave out."""
    model = random_model(3)
    weights, graphs = arrays_of(model), model_inputs(model, 3, (6, 2, 1, 15, 1))
    base = NumpySGCN(weights)(graphs)
    for key in expected_shapes():
        if key == "data_bn.num_batches_tracked":
            continue
        changed = dict(weights, **{key: weights[key] * 1.5 + 0.1})
        assert not np.allclose(NumpySGCN(changed)(graphs), base), key


@pytest.mark.slow
def test_shipped_npz_holds_the_shipped_checkpoint_and_gives_its_embeddings():
    state = load_model(SHIPPED_PT).state_dict()
    weights = load_weights(SHIPPED_NPZ, fix="run make sgcn-npz")
    assert set(weights) == set(state)
    for key, value in state.items():
        np.testing.assert_array_equal(weights[key], value.numpy(), err_msg=key)
    pairs, _ = load_pairs(HELDOUT)
    graphs = np.concatenate([pairs.reshape(-1, 2, 1, 15, 1), random_graphs(4)])
    with torch.no_grad():
        expected = load_model(SHIPPED_PT)(torch.from_numpy(graphs)).numpy()
    np.testing.assert_allclose(NumpySGCN(weights)(graphs), expected, **TOLERANCE)


def good_weights() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {key: rng.uniform(0.5, 1.5, size=shape).astype(np.float32)
            for key, shape in expected_shapes().items()}


@pytest.mark.parametrize("change, words", [
    (lambda w: w.pop("fcn.bias"), ["missing: fcn.bias"]),
    (lambda w: w.update({"extra": np.zeros(1)}), ["unexpected: extra"]),
    (lambda w: w.update({"fcn.weight": np.zeros((64, 64, 1, 1))}),
     ["wrong shape: fcn.weight (64, 64, 1, 1) != (128, 64, 1, 1)"]),
    (lambda w: w["data_bn.running_var"].__setitem__(3, np.nan),
     ["NaN, infinite or not numbers: data_bn.running_var"]),
    (lambda w: w["edge_importance.1"].__setitem__((0, 0, 0), np.inf),
     ["NaN, infinite or not numbers: edge_importance.1"]),
    (lambda w: w.update({"A": np.full((3, 15, 15), "x")}), ["not numbers: A"])])
def test_bad_weight_file_is_one_clear_error(tmp_path, change, words):
    weights = good_weights()
    change(weights)
    np.savez(tmp_path / "w.npz", **weights)
    with pytest.raises(LightTrackError) as err:
        load_weights(tmp_path / "w.npz", fix="unused")
    message = str(err.value)
    assert all(w in message for w in words) and "\n" not in message
    assert "w.npz is not a usable SGCN weight file" in message and "graph.export_numpy" in message


def test_good_file_with_a_module_prefix_loads(tmp_path):
    weights = good_weights()
    np.savez(tmp_path / "w.npz", **{f"module.{k}": v for k, v in weights.items()})
    loaded = load_weights(tmp_path / "w.npz", fix="unused")
    assert set(loaded) == set(weights)
    assert NumpySGCN(loaded)(random_graphs(0)).shape == (6, 128)


def test_missing_or_unreadable_file_names_the_fix(tmp_path):
    with pytest.raises(LightTrackError, match="none.npz not found: run make sgcn-npz$"):
        load_weights(tmp_path / "none.npz", fix="run make sgcn-npz")
    for name, content in (("garbage.npz", b"garbage"), ("truncated.npz",
                                                        SHIPPED_NPZ.read_bytes()[:5000])):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(LightTrackError, match=f"{name} is not a readable .npz file .*"
                           "replace it \\(run make sgcn-npz\\)"):
            load_weights(tmp_path / name, fix="run make sgcn-npz")

"""The SGCN forward pass in eval mode and its ``.npz`` weight file (numpy only, no PyTorch).

``NumpySGCN`` computes exactly what ``graph.model.SGCN.forward`` computes in eval mode (input
batch norm with running statistics, two graph blocks of 1x1 convolution, adjacency-weighted sum
over the partitions and ReLU, mean pooling over time, nodes and persons, 1x1 convolution to the
embedding), from a dict of numpy arrays named as in the PyTorch state dict. The ``.npz`` file
holds those arrays; ``python -m graph.export_numpy IN.pt OUT.npz`` writes it from a checkpoint.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from lib.errors import LightTrackError
from lib.weights import require_file

BN_EPS = 1e-5  # torch.nn.BatchNorm1d's default, which the model uses
NUM_BLOCKS = 2


def expected_shapes(in_channels: int = 2, num_class: int = 128, hidden: int = 64,
                    num_nodes: int = 15, num_partitions: int = 3) -> dict[str, tuple]:
    """{state-dict key: shape} of an SGCN built with these sizes (the defaults are the published
    network's and ``graph.model.SGCN()``'s)."""
    adjacency = (num_partitions, num_nodes, num_nodes)
    shapes = {"A": adjacency}
    for name in ("weight", "bias", "running_mean", "running_var"):
        shapes[f"data_bn.{name}"] = (in_channels * num_nodes,)
    shapes["data_bn.num_batches_tracked"] = ()
    for block, channels in enumerate((in_channels, hidden)):
        shapes[f"st_gcn_networks.{block}.gcn.conv.weight"] = (hidden * num_partitions, channels,
                                                              1, 1)
        shapes[f"st_gcn_networks.{block}.gcn.conv.bias"] = (hidden * num_partitions,)
        shapes[f"edge_importance.{block}"] = adjacency
    shapes["fcn.weight"] = (num_class, hidden, 1, 1)
    shapes["fcn.bias"] = (num_class,)
    return shapes


def shape_problems(shapes: dict[str, tuple], expected: dict[str, tuple]) -> list[str]:
    """What keeps a state dict with these {key: shape} from being ``expected``: "missing: ...",
    "unexpected: ...", "wrong shape: key (got) != (wanted)" (only the kinds that occur)."""
    missing = sorted(set(expected) - set(shapes))
    unexpected = sorted(set(shapes) - set(expected))
    wrong_shape = [f"{key} {tuple(shapes[key])} != {tuple(expected[key])}"
                   for key in sorted(set(shapes) & set(expected))
                   if tuple(shapes[key]) != tuple(expected[key])]
    return [f"{label}: {', '.join(keys)}" for label, keys in
            (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong_shape))
            if keys]


def check_weights(weights: dict[str, np.ndarray], source: str) -> dict[str, np.ndarray]:
    """``weights`` with a ``module.`` prefix stripped, after checking keys, shapes and values.

    Raises LightTrackError (one line) naming every missing, unexpected and wrong-shape key and
    every array holding NaN or infinity; ``source`` names the file in the message.
    """
    weights = {key.removeprefix("module."): np.asarray(value) for key, value in weights.items()}
    expected = expected_shapes()
    problems = shape_problems({key: value.shape for key, value in weights.items()}, expected)
    not_finite = [key for key in sorted(set(weights) & set(expected))
                  if weights[key].dtype.kind not in "biuf" or not np.isfinite(weights[key]).all()]
    if not_finite:
        problems.append(f"NaN, infinite or not numbers: {', '.join(not_finite)}")
    if problems:
        raise LightTrackError(f"{source} is not a usable SGCN weight file ({'; '.join(problems)});"
                              " export one with python -m graph.export_numpy IN.pt OUT.npz")
    return weights


def load_weights(path: str | Path, fix: str) -> dict[str, np.ndarray]:
    """The checked arrays of an ``.npz`` SGCN weight file; LightTrackError ending in ``fix`` when
    the file is missing or not a readable ``.npz``, and as ``check_weights`` for bad contents."""
    path = require_file(path, fix)
    try:
        with np.load(path, allow_pickle=False) as archive:
            weights = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise LightTrackError(f"{path} is not a readable .npz file ({type(err).__name__}); "
                              f"replace it ({fix})") from None
    return check_weights(weights, str(path))


class NumpySGCN:
    """Pose graphs -> embeddings with the weights of an SGCN state dict (eval mode).

    ``weights``: {state-dict key: array} as ``check_weights`` returns. Computation is in float64;
    ``__call__`` returns float32 like the PyTorch model.
    """

    def __init__(self, weights: dict[str, np.ndarray]):
        w = {key: np.asarray(value, dtype=np.float64) for key, value in weights.items()}
        scale = w["data_bn.weight"] / np.sqrt(w["data_bn.running_var"] + BN_EPS)
        self.bn_scale = scale  # (V * C,), index v * C + c
        self.bn_shift = w["data_bn.bias"] - w["data_bn.running_mean"] * scale
        self.num_partitions, self.num_nodes = w["A"].shape[:2]
        # per block: conv weight (K * C_out, C_in), bias (K * C_out, 1), adjacency (K * V, V)
        self.blocks = [(w[f"st_gcn_networks.{b}.gcn.conv.weight"][:, :, 0, 0],
                        w[f"st_gcn_networks.{b}.gcn.conv.bias"][:, None],
                        (w["A"] * w[f"edge_importance.{b}"]).reshape(-1, self.num_nodes))
                       for b in range(NUM_BLOCKS)]
        self.fc_weight = w["fcn.weight"][:, :, 0, 0].T  # (hidden, num_class)
        self.fc_bias = w["fcn.bias"]
        self.num_class = len(self.fc_bias)

    @classmethod
    def from_file(cls, path: str | Path, fix: str) -> "NumpySGCN":
        """The network of an ``.npz`` weight file (see ``load_weights``)."""
        return cls(load_weights(path, fix))

    def __call__(self, graphs: np.ndarray) -> np.ndarray:
        """graphs (N, C, T, V, M) -> embeddings (N, num_class) float32."""
        graphs = np.asarray(graphs, dtype=np.float64)
        n, c, t, v, m = graphs.shape
        # (N, C, T, V, M) -> (N*M, T, V*C): the batch-norm channels interleave as v * C + c
        x = graphs.transpose(0, 4, 2, 3, 1).reshape(n * m, t, v * c)
        x = x * self.bn_scale + self.bn_shift
        x = x.reshape(n * m, t, v, c).transpose(0, 1, 3, 2)  # (N*M, T, C, V)
        for conv_weight, conv_bias, adjacency in self.blocks:
            x = self._graph_block(x, conv_weight, conv_bias, adjacency)
        pooled = x.mean(axis=(1, 3)).reshape(n, m, -1).mean(axis=1)  # (N, hidden)
        return (pooled @ self.fc_weight + self.fc_bias).astype(np.float32)

    def _graph_block(self, x, conv_weight, conv_bias, adjacency) -> np.ndarray:
        """x (B, T, C_in, V) -> relu(sum_k conv_k(x) @ A_k) (B, T, C_out, V)."""
        b, t, _, v = x.shape
        y = conv_weight @ x + conv_bias  # (B, T, K * C_out, V), partition-major channels
        y = y.reshape(b, t, self.num_partitions, -1, v).transpose(0, 1, 3, 2, 4)
        y = y.reshape(b, t, y.shape[2], self.num_partitions * v) @ adjacency  # (B, T, C_out, V)
        return np.maximum(y, 0.0)

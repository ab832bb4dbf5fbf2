"""The siamese graph-convolutional pose embedder (SGCN) of SPEC §5.2 and its loading (PyTorch).

One branch maps a pose graph (N, 2, 1, 15, 1) of pixel offsets to a 128-d embedding; the two
siamese branches share every weight, so a pair distance is the Euclidean distance between two
embeddings of the same network. Parameter names follow the released checkpoint
(``weights/GCN/epoch210_model.pt``) so it loads unchanged.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graph.skeleton import spatial_adjacency
from graph.sgcn_numpy import shape_problems
from lib.errors import LightTrackError
from lib.weights import require_file


class GraphConv(nn.Module):
    """A 1x1 convolution to ``K * out_channels`` then a sum over the K adjacency partitions."""

    def __init__(self, in_channels: int, out_channels: int, num_partitions: int):
        super().__init__()
        self.num_partitions = num_partitions
        self.conv = nn.Conv2d(in_channels, out_channels * num_partitions, kernel_size=(1, 1))

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        """x (n, C_in, T, V), adjacency (K, V, V) -> (n, C_out, T, V)."""
        x = self.conv(x)
        n, kc, t, v = x.shape
        x = x.view(n, self.num_partitions, kc // self.num_partitions, t, v)
        return torch.einsum("nkctv,kvw->nctw", x, adjacency)


class GraphBlock(nn.Module):
    """Graph convolution then ReLU; the published block has no BN, temporal conv, dropout or
    residual (its residual was computed but never added)."""

    def __init__(self, in_channels: int, out_channels: int, num_partitions: int):
        super().__init__()
        self.gcn = GraphConv(in_channels, out_channels, num_partitions)

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        return F.relu(self.gcn(x, adjacency))


class SGCN(nn.Module):
    """Pose graph -> embedding. ``forward(graphs (N, C, T, V, M)) -> (N, num_class)``.

    in_channels: 2 (x, y offsets); num_class: embedding size, 128; hidden: 64 channels in both
    graph blocks; ``A``: the (3, V, V) spatial adjacency, a buffer saved in the state dict;
    ``edge_importance``: one learnable (3, V, V) mask per block, initialised to ones.
    """

    def __init__(self, in_channels: int = 2, num_class: int = 128, hidden: int = 64):
        super().__init__()
        adjacency = torch.from_numpy(spatial_adjacency())
        self.register_buffer("A", adjacency)
        num_partitions, num_nodes = adjacency.shape[0], adjacency.shape[1]
        self.data_bn = nn.BatchNorm1d(in_channels * num_nodes)
        self.st_gcn_networks = nn.ModuleList([
            GraphBlock(in_channels, hidden, num_partitions),
            GraphBlock(hidden, hidden, num_partitions)])
        self.edge_importance = nn.ParameterList(
            [nn.Parameter(torch.ones_like(adjacency)) for _ in self.st_gcn_networks])
        self.fcn = nn.Conv2d(hidden, num_class, kernel_size=1)
        init_weights(self)

    def forward(self, graphs: torch.Tensor) -> torch.Tensor:
        n, c, t, v, m = graphs.shape
        # BN over the (v, c) interleaved channels: index v * C + c
        x = graphs.permute(0, 4, 3, 1, 2).reshape(n * m, v * c, t)
        x = self.data_bn(x)
        x = x.view(n * m, v, c, t).permute(0, 2, 3, 1)  # (n*m, C, T, V)
        for block, importance in zip(self.st_gcn_networks, self.edge_importance):
            x = block(x, self.A * importance)
        x = x.mean(dim=(2, 3)).view(n, m, -1).mean(dim=1)  # (N, hidden)
        return self.fcn(x[:, :, None, None]).flatten(1)

    def distance(self, graphs_a: torch.Tensor, graphs_b: torch.Tensor) -> torch.Tensor:
        """(B,) Euclidean distance between the embeddings of two (B, C, T, V, M) batches,
        computed in one forward pass of both."""
        embeddings = self(torch.cat([graphs_a, graphs_b]))
        first, second = embeddings.split(len(graphs_a))
        return (first - second).norm(dim=1)


class TorchEmbedder:
    """An eval-mode SGCN as a numpy embedder for ``matcher.sgcn.SGCNMatcher``: the PyTorch
    reference of ``graph.sgcn_numpy.NumpySGCN`` (CPU, no gradients).

    num_threads: torch threads used per call (the previous setting is restored afterwards; one
    thread is fastest for a frame's few poses).
    """

    def __init__(self, model: SGCN, num_threads: int = 1):
        self.model = model.eval()
        self.num_threads = num_threads
        self.num_class = model.fcn.out_channels

    def __call__(self, graphs: np.ndarray) -> np.ndarray:
        """graphs (N, C, T, V, M) -> embeddings (N, num_class) float32."""
        previous = torch.get_num_threads()
        torch.set_num_threads(self.num_threads)
        try:
            with torch.inference_mode():
                return self.model(torch.from_numpy(np.asarray(graphs, np.float32))).numpy()
        finally:
            torch.set_num_threads(previous)


def init_weights(model: nn.Module, std: float = 0.02) -> None:
    """Published initialiser: conv weights ~ N(0, std), BN weights ~ N(1, std), biases 0."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.normal_(module.weight, 0.0, std)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm1d):
            nn.init.normal_(module.weight, 1.0, std)
            nn.init.zeros_(module.bias)


def load_state(model: nn.Module, state: dict, source: str = "state dict") -> None:
    """Load ``state`` into ``model`` after stripping a ``module.`` prefix (DataParallel saves).

    Raises LightTrackError naming every missing, unexpected and wrong-shape key; nothing is
    loaded then (the original filled what it could).
    """
    state = {key.removeprefix("module."): value for key, value in state.items()}
    problems = shape_problems(
        {key: tuple(torch.as_tensor(value).shape) for key, value in state.items()},
        {key: tuple(value.shape) for key, value in model.state_dict().items()})
    if problems:
        raise LightTrackError(f"{source} is not an SGCN checkpoint ({'; '.join(problems)}); "
                              "use weights/GCN/epoch210_model.pt or a file saved by graph/main.py")
    model.load_state_dict(state)


def load_model(weights_path: str | Path, fix: str = "run make sgcn-weights") -> SGCN:
    """An eval-mode SGCN with the weights of ``weights_path`` (a plain state dict, CPU).

    A missing file raises LightTrackError ending in ``fix``; an unreadable one says so.
    """
    path = require_file(weights_path, fix)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a corrupt or non-torch file
        raise LightTrackError(f"{path} is not a readable torch state dict "
                              f"({type(err).__name__}); "
                              f"replace it ({fix})") from None
    if not isinstance(state, dict):
        raise LightTrackError(f"{path} holds a {type(state).__name__}, not a state dict")
    model = SGCN()
    load_state(model, state, source=str(path))
    return model.eval()

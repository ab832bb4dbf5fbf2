"""Darknet ``.weights`` files: read, write and randomly fill them for a cfg (numpy, no framework).

Layout (as the published loader reads it): a header of 5 int32 values (major, minor, revision
and ``seen``; files with major·10+minor >= 2 store ``seen`` as an int64, which is the same 20
bytes), then little-endian float32 values over the convolutional layers in cfg order. Each
layer holds BN beta, gamma, running mean and running variance (``filters`` values each) or,
without BN, a bias; then its kernel in (out, in, kh, kw) order.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.darknet_cfg import ConvShape, DarknetCfg, conv_shapes, count_weights
from lib.errors import LightTrackError
from lib.weights import require_finite

HEADER_INT32 = 5
HEADER_BYTES = 4 * HEADER_INT32
DEFAULT_HEADER = (0, 2, 0, 0, 0)  # version 0.2: seen is an int64 (here 0)


@dataclass
class ConvWeights:
    """One convolutional layer's values: ``batch_norm`` = (beta, gamma, mean, variance), each
    (filters,), or None with ``bias`` (filters,); ``kernel`` (filters, in, size, size)."""

    kernel: np.ndarray
    batch_norm: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    bias: np.ndarray | None = None

    def flat(self) -> list[np.ndarray]:
        """The arrays in file order."""
        head = list(self.batch_norm) if self.batch_norm is not None else [self.bias]
        return head + [self.kernel]


def read_darknet_weights(path: str | Path, cfg: DarknetCfg) -> tuple[np.ndarray, list[ConvWeights]]:
    """(header (5,) int32, one ConvWeights per convolutional layer of ``cfg``).

    The file must hold exactly the values the cfg needs; otherwise LightTrackError says how
    many float values were expected and found, naming both files.
    """
    path = str(path)
    expected = count_weights(cfg)
    size = os.path.getsize(path)
    found = (size - HEADER_BYTES) / 4
    if size < HEADER_BYTES or found != expected:
        found_text = f"{found:,.2f}" if found != int(found) else f"{int(found):,}"
        raise LightTrackError(
            f"{path} holds {found_text} float values after its {HEADER_BYTES}-byte header but "
            f"{cfg.path} needs {expected:,}: the weights and the cfg do not belong together "
            "(pass the cfg the weights were trained with, or the weights of this cfg)")
    header = np.fromfile(path, dtype="<i4", count=HEADER_INT32)
    values = np.fromfile(path, dtype="<f4", offset=HEADER_BYTES)
    require_finite({"(float values)": values}, path)
    convs, offset = [], 0
    for shape in conv_shapes(cfg):
        arrays, offset = _split(values, offset, shape)
        convs.append(_as_conv(arrays, shape.batch_normalize))
    assert offset == len(values) == expected
    return header, convs


def _split(values: np.ndarray, offset: int, shape: ConvShape) -> tuple[list[np.ndarray], int]:
    """The arrays of one layer taken from ``values`` at ``offset``, and the next offset."""
    sizes = [shape.filters] * (4 if shape.batch_normalize else 1)
    sizes.append(shape.filters * shape.in_channels * shape.size * shape.size)
    arrays = []
    for size in sizes:
        arrays.append(values[offset:offset + size])
        offset += size
    arrays[-1] = arrays[-1].reshape(shape.filters, shape.in_channels, shape.size, shape.size)
    return arrays, offset


def _as_conv(arrays: list[np.ndarray], batch_normalize: bool) -> ConvWeights:
    if batch_normalize:
        return ConvWeights(kernel=arrays[4], batch_norm=tuple(arrays[:4]))
    return ConvWeights(kernel=arrays[1], bias=arrays[0])


def write_darknet_weights(path: str | Path, convs: list[ConvWeights],
                          header: tuple[int, ...] = DEFAULT_HEADER) -> int:
    """Write a ``.weights`` file; returns the number of float values written."""
    with open(path, "wb") as file:
        np.asarray(header, dtype="<i4").tofile(file)
        count = 0
        for conv in convs:
            for array in conv.flat():
                np.ascontiguousarray(array, dtype="<f4").tofile(file)
                count += array.size
    return count


def random_darknet_weights(cfg: DarknetCfg, seed: int = 0, gain: float = 1.2,
                           head_gain: float = 6.0) -> list[ConvWeights]:
    """Random values for every convolutional layer of ``cfg`` (for tests and timing) that keep
    activations of order one through a deep net: kernels ~ N(0, gain²/fan_in), BN gamma in
    [0.4, 0.8], beta and mean in ±0.1, variance in [0.5, 1.5] (always positive), biases in
    ±0.1. Layers without BN (the detection heads) get ``head_gain`` times larger kernels, so
    their sigmoid outputs spread over (0, 1) instead of staying near 0.5."""
    rng = np.random.default_rng(seed)
    convs = []
    for shape in conv_shapes(cfg):
        fan_in = shape.in_channels * shape.size * shape.size
        scale = gain * (1.0 if shape.batch_normalize else head_gain) / np.sqrt(fan_in)
        kernel = rng.standard_normal((shape.filters, shape.in_channels, shape.size, shape.size),
                                     dtype=np.float32) * np.float32(scale)

        def uniform(low, high):
            return rng.uniform(low, high, shape.filters).astype(np.float32)

        if shape.batch_normalize:
            convs.append(ConvWeights(kernel, batch_norm=(uniform(-0.1, 0.1), uniform(0.4, 0.8),
                                                         uniform(-0.1, 0.1), uniform(0.5, 1.5))))
        else:
            convs.append(ConvWeights(kernel, bias=uniform(-0.1, 0.1)))
    return convs

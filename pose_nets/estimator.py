"""A ``PoseEstimator`` over a TensorFlow 2 ``PoseNet`` loaded from a TF1 checkpoint."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from lib.pose.crop import INPUT_SIZE
from lib.pose.estimator import HeatmapPoseEstimator
from pose_nets.checkpoint import existing_checkpoint, read_checkpoint
from pose_nets.layers import PoseNet

ROOT = Path(__file__).resolve().parents[1]


class TFHeatmapEstimator(HeatmapPoseEstimator):
    """Crops, flip test and decoding of ``HeatmapPoseEstimator`` around ``net``, whose forward
    pass is one ``tf.function`` over (None, 384, 288, 3) batches. Subclasses name their
    ``network`` class, ``default_weights_path`` (relative to the repository) and the
    ``train_script`` that trains it (named when the weights are missing)."""

    network: type[PoseNet]
    default_weights_path: str
    train_script: str

    def __init__(self, net: PoseNet, *, flip_test: bool = True):
        self.net = net
        self._forward = tf.function(
            lambda images: net(images),
            input_signature=[tf.TensorSpec([None, *INPUT_SIZE, 3], tf.float32)],
            autograph=False)
        super().__init__(self._predict, flip_test=flip_test)

    def _predict(self, crops: np.ndarray) -> np.ndarray:
        return self._forward(tf.convert_to_tensor(crops, tf.float32)).numpy()

    @classmethod
    def from_options(cls, weights_path=None) -> "TFHeatmapEstimator":
        """Load ``weights_path`` (a TF1 checkpoint prefix; None = the published file)."""
        path = weights_path if weights_path is not None else ROOT / cls.default_weights_path
        prefix = existing_checkpoint(path, cls.train_script)  # before the slower tracing of the network
        return cls(cls.network(read_checkpoint(prefix, cls.network.variable_shapes())))

    @classmethod
    def with_random_weights(cls, seed: int = 0) -> "TFHeatmapEstimator":
        """The network with random weights (benchmarks, smoke tests)."""
        return cls(cls.network(seed=seed))

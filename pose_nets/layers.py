"""Variables by TF1 name and the layers of the published pose networks (TensorFlow 2, NHWC).

``PoseNet`` holds one ``tf.Variable`` per variable of the original TF1 graph, keyed by the
TF1 name (``resnet_v1_152/block1/unit_1/bottleneck_v1/conv1/weights``, ...), so checkpoints
load and save by name (``pose_nets.checkpoint``). A subclass writes its forward pass once with
``self.conv_bn`` & co.; the variable shapes come from tracing that pass symbolically.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import tensorflow as tf

from lib.joints import NUM_JOINTS

BN_EPSILON = 1.001e-5  # slim's nominal 1e-9, raised to this by TF1's fused batch-norm kernel
BN_DECAY = 0.99  # published moving-average decay (training only)
NON_TRAINABLE = ("moving_mean", "moving_variance")
_SHAPES: dict[type, dict[str, tuple[int, ...]]] = {}  # variable shapes per network class


def resize_bilinear_legacy(x: tf.Tensor, size) -> tf.Tensor:
    """TF1 ``resize_bilinear`` (no align corners, no half-pixel centres), as the CPN used."""
    return tf.raw_ops.ResizeBilinear(images=x, size=size, align_corners=False,
                                     half_pixel_centers=False)


def pad_symmetric(x: tf.Tensor, kernel: int) -> tf.Tensor:
    """slim's ``conv2d_same`` padding: (kernel - 1) split evenly, the extra pixel at the end."""
    begin = (kernel - 1) // 2
    end = kernel - 1 - begin
    return tf.pad(x, [[0, 0], [begin, end], [begin, end], [0, 0]])


class PoseNet(tf.Module):
    """Base of the pose networks: images (B, H, W, 3) BGR normalised -> heat-maps
    (B, H/4, W/4, 15) on the 0-255 scale. ``values`` maps TF1 variable names to initial
    arrays (a checkpoint's contents, or an ImageNet backbone only); the variables it does not
    name get random initial values (``random_values``). ``weights``: TF1 name -> tf.Variable."""

    num_joints = NUM_JOINTS

    def __init__(self, values: Mapping[str, np.ndarray] | None = None, seed: int = 0):
        super().__init__(name=type(self).__name__)
        self._shapes = None
        shapes = self.variable_shapes()
        values = dict(values or {})
        values.update(random_values({n: s for n, s in shapes.items() if n not in values}, seed))
        self.weights = {name: tf.Variable(values[name], dtype=tf.float32, name=name,
                                          trainable=not name.endswith(NON_TRAINABLE))
                        for name in shapes}

    @classmethod
    def variable_shapes(cls) -> dict[str, tuple[int, ...]]:
        """Every TF1 variable name of the network -> its shape, from a symbolic trace (once
        per class)."""
        if cls not in _SHAPES:
            probe = cls.__new__(cls)
            probe._shapes = {}
            tf.function(probe.forward, autograph=False).get_concrete_function(
                tf.TensorSpec([1, 64, 64, 3], tf.float32))
            _SHAPES[cls] = probe._shapes
        return dict(_SHAPES[cls])

    def var(self, name: str, shape) -> tf.Tensor:
        """The variable ``name``; while tracing shapes, record it and stand in zeros."""
        if self._shapes is not None:
            self._shapes[name] = tuple(int(s) for s in shape)
            return tf.zeros(shape)
        return self.weights[name]

    def forward(self, images: tf.Tensor, training: bool = False):
        """images (B, H, W, 3) -> heat-maps (B, H/4, W/4, 15)."""
        raise NotImplementedError

    def __call__(self, images: tf.Tensor, training: bool = False) -> tf.Tensor:
        return self.forward(images, training)

    def batch_norm(self, x: tf.Tensor, scope: str, training: bool) -> tf.Tensor:
        """slim batch norm with scale and centre; moving statistics unless ``training``."""
        depth = x.shape[-1]
        gamma, beta, mean, variance = (self.var(f"{scope}/BatchNorm/{n}", [depth]) for n in
                                       ("gamma", "beta", "moving_mean", "moving_variance"))
        if not training or self._shapes is not None:
            return tf.compat.v1.nn.fused_batch_norm(x, gamma, beta, mean, variance, BN_EPSILON,
                                                    is_training=False)[0]
        y, batch_mean, batch_variance = tf.compat.v1.nn.fused_batch_norm(
            x, gamma, beta, epsilon=BN_EPSILON, is_training=True)
        mean.assign_sub((1 - BN_DECAY) * (mean - batch_mean))
        variance.assign_sub((1 - BN_DECAY) * (variance - batch_variance))
        return y

    def conv_bn(self, x, scope: str, depth: int, kernel: int, *, stride: int = 1,
                relu: bool = True, training: bool = False, explicit_pad: bool = False):
        """Conv without bias + batch norm (+ ReLU); ``explicit_pad`` pads as slim's
        ``conv2d_same`` and convolves VALID, otherwise SAME."""
        weights = self.var(f"{scope}/weights", [kernel, kernel, x.shape[-1], depth])
        if explicit_pad:
            x = tf.nn.conv2d(pad_symmetric(x, kernel), weights, stride, "VALID")
        else:
            x = tf.nn.conv2d(x, weights, stride, "SAME")
        x = self.batch_norm(x, scope, training)
        return tf.nn.relu(x) if relu else x

    def conv_bias(self, x, scope: str, depth: int, kernel: int, *, stride: int = 1,
                  relu: bool = True):
        """slim's default conv: SAME, bias, optional ReLU, no batch norm."""
        weights = self.var(f"{scope}/weights", [kernel, kernel, x.shape[-1], depth])
        x = tf.nn.bias_add(tf.nn.conv2d(x, weights, stride, "SAME"),
                           self.var(f"{scope}/biases", [depth]))
        return tf.nn.relu(x) if relu else x

    def depthwise_bias(self, x, scope: str, *, stride: int):
        """slim's separable conv with no pointwise part: 3×3 depthwise, SAME, bias, ReLU."""
        depth = x.shape[-1]
        weights = self.var(f"{scope}/depthwise_weights", [3, 3, depth, 1])
        x = tf.nn.depthwise_conv2d(x, weights, [1, stride, stride, 1], "SAME")
        return tf.nn.relu(tf.nn.bias_add(x, self.var(f"{scope}/biases", [depth])))

    def deconv_bias(self, x, scope: str, depth: int = 256):
        """4×4/2 transposed conv, SAME, bias, ReLU: (B, h, w, C) -> (B, 2h, 2w, depth)."""
        weights = self.var(f"{scope}/weights", [4, 4, depth, x.shape[-1]])
        size = tf.shape(x)
        out_shape = tf.stack([size[0], 2 * size[1], 2 * size[2], depth])
        x = tf.nn.conv2d_transpose(x, weights, out_shape, 2, "SAME")
        return tf.nn.relu(tf.nn.bias_add(x, self.var(f"{scope}/biases", [depth])))

    def bottleneck(self, x, scope: str, depth: int, bottleneck: int, stride: int,
                   training: bool):
        """ResNet-v1 bottleneck; the stride sits in the 3×3 conv; projection shortcut only
        when the depth changes (slim's ``resnet_v1.bottleneck``)."""
        if depth == x.shape[-1]:
            shortcut = x  # published layouts never combine an identity shortcut with stride 2
        else:
            shortcut = self.conv_bn(x, f"{scope}/shortcut", depth, 1, stride=stride,
                                    relu=False, training=training)
        residual = self.conv_bn(x, f"{scope}/conv1", bottleneck, 1, training=training)
        residual = self.conv_bn(residual, f"{scope}/conv2", bottleneck, 3, stride=stride,
                                training=training, explicit_pad=stride > 1)
        residual = self.conv_bn(residual, f"{scope}/conv3", depth, 1, relu=False,
                                training=training)
        return tf.nn.relu(shortcut + residual)

    def resnet_v1(self, images, scope: str, units: tuple[int, int, int, int], training: bool):
        """The LightTrack ResNet-v1 (SPEC §3.3.1) -> [C2, C3, C4, C5] at strides 4, 8, 16, 32.
        ``units``: bottleneck units per block, (3, 4, 23, 3) for 101, (3, 8, 36, 3) for 152."""
        x = self.conv_bn(images, f"{scope}/conv1", 64, 7, stride=2, training=training,
                         explicit_pad=True)
        x = tf.nn.max_pool2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, "VALID")
        features = []
        for block, (num_units, depth) in enumerate(zip(units, (256, 512, 1024, 2048)), 1):
            for unit in range(1, num_units + 1):
                stride = 2 if block > 1 and unit == 1 else 1
                x = self.bottleneck(x, f"{scope}/block{block}/unit_{unit}/bottleneck_v1", depth,
                                    depth // 4, stride, training)
            features.append(x)
        return features

    def mobilenet_v1(self, images):
        """MobileNet-v1 1.0 to ``Conv2d_13_pointwise`` as published: bias + ReLU, no batch
        norm (SPEC §3.3.2) -> (B, H/32, W/32, 1024)."""
        x = self.conv_bias(images, "MobilenetV1/Conv2d_0", 32, 3, stride=2)
        layers = ((1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512), (1, 512),
                  (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024))
        for i, (stride, depth) in enumerate(layers, 1):
            x = self.depthwise_bias(x, f"MobilenetV1/Conv2d_{i}_depthwise", stride=stride)
            x = self.conv_bias(x, f"MobilenetV1/Conv2d_{i}_pointwise", depth, 1)
        return x

    def deconv_head(self, features):
        """Three ``up{1,2,3}`` 4×4/2 deconvolutions and the 1×1 ``out`` layer (SPEC §3.4.1)."""
        for i in (1, 2, 3):
            features = self.deconv_bias(features, f"up{i}")
        return self.conv_bias(features, "out", self.num_joints, 1, relu=False)


def random_values(shapes: Mapping[str, tuple[int, ...]], seed: int = 0) -> dict[str, np.ndarray]:
    """Initial values: He-normal weights, zero biases and BN shifts and means, unit BN scales
    and variances. shapes: name -> shape -> name -> float32 array."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in shapes.items():
        leaf = name.rsplit("/", 1)[-1]
        if leaf in ("gamma", "moving_variance"):
            values[name] = np.ones(shape, np.float32)
        elif leaf in ("beta", "moving_mean", "biases"):
            values[name] = np.zeros(shape, np.float32)
        else:  # conv [kh, kw, in, out]; depthwise [kh, kw, C, 1]; transposed [kh, kw, out, in]
            inputs = shape[3] if leaf == "depthwise_weights" or name.startswith("up") \
                else shape[2]
            std = np.sqrt(2 / (shape[0] * shape[1] * inputs))
            values[name] = (rng.standard_normal(shape, np.float32) * std).astype(np.float32)
    return values

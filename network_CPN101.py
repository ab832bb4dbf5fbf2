"""CPN101: the Cascaded Pyramid Network on ResNet-v1-101 as LightTrack published it (TensorFlow 2).

GlobalNet (lateral 1×1 + BN, legacy-bilinear upsampling, 1×1 merge with bias, per-level
predictions) and RefineNet (0-3 bottlenecks per level, concatenation, a final bottleneck and a
3×3 output with BN), SPEC §3.4.2. Weights: ``weights/CPN101/CPN_snapshot_293.ckpt``.
"""
from __future__ import annotations

import tensorflow as tf

from pose_nets.estimator import TFHeatmapEstimator
from pose_nets.layers import PoseNet, resize_bilinear_legacy


class CPN101Net(PoseNet):
    """images (B, H, W, 3) -> RefineNet heat-maps (B, H/4, W/4, 15); ``forward_all`` also
    returns the four GlobalNet outputs the training loss needs."""

    def forward(self, images, training=False):
        return self.forward_all(images, training)[0]

    def forward_all(self, images, training=False):
        """-> (refine (B, h, w, 15), [g2, g3, g4, g5] each (B, h, w, 15)); h, w = H/4, W/4."""
        features = self.resnet_v1(images, "resnet_v1_101", (3, 4, 23, 3), training)
        size = tf.shape(features[0])[1:3]  # the published fixed 96×72 for a 384×288 input
        pyramid, global_outs = self.global_net(features, size, training)
        return self.refine_net(pyramid, size, training), global_outs

    def global_net(self, features, size, training):
        """[C2..C5] -> ([fm2..fm5] 256-channel pyramid, [g2..g5] resized to ``size``)."""
        pyramid, outs, merged = [], [], None
        for level, feature in zip((5, 4, 3, 2), reversed(features)):
            lateral = self.conv_bn(feature, f"lateral/res{level}", 256, 1, training=training)
            if merged is None:
                merged = lateral
            else:
                upsampled = resize_bilinear_legacy(merged, tf.shape(lateral)[1:3])
                merged = self.conv_bias(upsampled, f"merge/res{level}", 256, 1,
                                        relu=False) + lateral
            tmp = self.conv_bn(merged, f"tmp/res{level}", 256, 1, training=training)
            out = self.conv_bn(tmp, f"pyramid/res{level}", self.num_joints, 3, relu=False,
                               training=training)
            pyramid.append(merged)
            outs.append(resize_bilinear_legacy(out, size))
        return pyramid[::-1], outs[::-1]

    def refine_net(self, pyramid, size, training):
        """[fm2..fm5] -> refined heat-maps (B, h, w, 15)."""
        levels = []
        for i, feature in enumerate(pyramid):
            for j in range(i):
                feature = self.bottleneck(feature, f"res{2 + i}/refine_conv{j}", 256, 128, 1,
                                          training)
            levels.append(resize_bilinear_legacy(feature, size))
        x = self.bottleneck(tf.concat(levels, axis=3), "final_bottleneck", 256, 128, 1, training)
        return self.conv_bn(x, "refine_out", self.num_joints, 3, relu=False, training=training)


class CPN101Estimator(TFHeatmapEstimator):
    """``--pose cpn101``."""

    network = CPN101Net
    default_weights_path = "weights/CPN101/CPN_snapshot_293.ckpt"
    train_script = "train_PoseTrack_COCO_17_CPN101.py"

"""mobile_deconv: LightTrack's MobileNet-v1 pose network (TensorFlow 2).

MobileNet-v1 1.0 to ``Conv2d_13_pointwise`` built as published (bias + ReLU, no batch norm),
three 4×4/2 deconvolutions with bias and ReLU, a 1×1 layer to 15 heat-maps (SPEC §3.3.2,
§3.4.1). Weights: the TF1 checkpoint ``weights/mobile-deconv/snapshot_296.ckpt``.
"""
from pose_nets.estimator import TFHeatmapEstimator
from pose_nets.layers import PoseNet


class MobileDeconvNet(PoseNet):
    """images (B, H, W, 3) -> heat-maps (B, H/4, W/4, 15); variables ``MobilenetV1/*``,
    ``up{1,2,3}/*``, ``out/*``. No batch norm, so ``training`` changes nothing."""

    def forward(self, images, training=False):
        return self.deconv_head(self.mobilenet_v1(images))


class MobileDeconvEstimator(TFHeatmapEstimator):
    """``--pose mobile_deconv``."""

    network = MobileDeconvNet
    default_weights_path = "weights/mobile-deconv/snapshot_296.ckpt"
    train_script = "train_PoseTrack_COCO_17_mobile_deconv.py"

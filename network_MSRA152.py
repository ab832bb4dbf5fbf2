"""MSRA152: the Simple-Baselines pose network as LightTrack published it (TensorFlow 2).

ResNet-v1-152 (LightTrack's stride layout) and three 4×4/2 deconvolutions with bias and ReLU,
then a 1×1 layer to 15 heat-maps (SPEC §3.3.1, §3.4.1). Weights: the TF1 checkpoint
``weights/MSRA152/MSRA_snapshot_285.ckpt``.
"""
from pose_nets.estimator import TFHeatmapEstimator
from pose_nets.layers import PoseNet


class MSRA152Net(PoseNet):
    """images (B, H, W, 3) -> heat-maps (B, H/4, W/4, 15); variables ``resnet_v1_152/*``,
    ``up{1,2,3}/*``, ``out/*``."""

    def forward(self, images, training=False):
        features = self.resnet_v1(images, "resnet_v1_152", (3, 8, 36, 3), training)
        return self.deconv_head(features[-1])


class MSRA152Estimator(TFHeatmapEstimator):
    """``--pose msra152``."""

    network = MSRA152Net
    default_weights_path = "weights/MSRA152/MSRA_snapshot_285.ckpt"
    train_script = "train_PoseTrack_COCO_17_MSRA152.py"

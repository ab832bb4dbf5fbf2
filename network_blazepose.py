"""BlazePose (MediaPipe's pose landmark model) as a PoseEstimator, run with ai-edge-litert.

Per box: MediaPipe's pose detector, run on a square crop around the box, gives the hip centre and
the full-body scale point; the landmark model then runs on MediaPipe's person-aligned ROI (a
square centred on the hip centre, side 2 × 1.25 × their distance, rotated upright). When the
tracker says a box continues a track (its track id), the ROI MediaPipe would track with (from that
track's previous landmarks' own alignment points) is reused and the detector is skipped: that is
MediaPipe's tracking mode and saves about 40 % of the time per person. The ROIs are kept per
track id, so they do not depend on how the tracker builds its boxes.
"""
from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from lib import geometry
from lib.interfaces import PoseEstimator, TrackIds
from lib.joints import NUM_JOINTS
from lib.pose import blazepose_geometry as bg
from lib.tflite import load_interpreter

log = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights" / "blazepose"
LANDMARK_FILE, DETECTOR_FILE = "pose_landmark_full.tflite", "pose_detection.tflite"
LANDMARK_SIZE, DETECTOR_SIZE = 256, 224
NUM_LANDMARKS = 39  # 33 body landmarks, then the 2 alignment points of the next ROI (33, 34), ...
HIP_CENTRE, SCALE_POINT = 33, 34


class _BatchedModel:
    """One TFLite model whose batch dimension follows the number of crops."""

    def __init__(self, path: Path, num_threads: int):
        self.interpreter = load_interpreter(path, num_threads)
        self.input = self.interpreter.get_input_details()[0]
        self.outputs = {d["name"]: d["index"] for d in self.interpreter.get_output_details()}
        self.batch = 1

    def __call__(self, crops: np.ndarray, names: tuple[str, ...]) -> list[np.ndarray]:
        """crops (N, S, S, 3) float32 -> the named outputs, each reshaped to (N, ...)."""
        if len(crops) != self.batch:
            self.interpreter.resize_tensor_input(self.input["index"], list(crops.shape))
            self.interpreter.allocate_tensors()
            self.batch = len(crops)
        self.interpreter.set_tensor(self.input["index"], crops)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(self.outputs[n]).reshape(len(crops), -1)
                for n in names]


def _crops(image: np.ndarray, rois: np.ndarray, size: int) -> tuple[np.ndarray, list]:
    """Warp each ROI (N, 4) of a BGR image to a (N, size, size, 3) RGB float32 batch in [0, 1]
    (black outside the image), and return the (2, 3) frame-to-crop matrices."""
    matrices = [bg.roi_to_affine(roi, size) for roi in rois]
    crops = [cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT) for m in matrices]
    return np.stack(crops)[..., ::-1].astype(np.float32) / 255.0, matrices


class BlazePoseEstimator(PoseEstimator):
    """BlazePose full: 15 PoseTrack joints per box; score = landmark visibility × pose presence.

    Joints the model puts outside the frame or marks as not present (presence below
    ``presence_thresh``) are clamped into the frame with score 0, so the tracker's next box
    (built from joints with a non-zero score) covers only the visible body.

    landmark_path, detector_path: the two .tflite files. num_threads: interpreter threads.
    detector_score_thresh: lowest pose-detector score that aligns a box (MediaPipe: 0.5).
    presence_thresh: lowest landmark presence for a joint to count, and lowest pose presence
    for a pose to be tracked without the detector (MediaPipe: 0.5). roi_scale: ROI side over
    twice the alignment distance (MediaPipe: 1.25). max_rotation: limit of the ROI rotation in
    radians (MediaPipe: none).

    Per-video state: the tracking ROI of each track id, from the last ``estimate`` call whose
    boxes carried track ids, or from the keyframe poses the tracker then ``assign``-ed to tracks.
    """

    #: 4-best mean joint score below this = no person (measured: persons >= 0.69, background
    #: boxes <= 0.06 on the demo clip's portrait photos; see README)
    lost_score_thresh = 0.3

    def __init__(self, landmark_path: Path, detector_path: Path, *, num_threads: int = 2,
                 detector_score_thresh: float = 0.5, presence_thresh: float = 0.5,
                 roi_scale: float = 1.25, max_rotation: float = np.radians(15)):
        self.landmarks = _BatchedModel(landmark_path, num_threads)
        self.detector = _BatchedModel(detector_path, num_threads)
        self.anchors = bg.ssd_anchors(DETECTOR_SIZE)
        self.detector_score_thresh, self.presence_thresh = detector_score_thresh, presence_thresh
        self.roi_scale, self.max_rotation = roi_scale, max_rotation
        self.reset()

    @classmethod
    def from_options(cls, weights_path: str | None = None) -> "BlazePoseEstimator":
        """``weights_path``: the landmark model file (default weights/blazepose/...); the
        detector is ``pose_detection.tflite`` beside it."""
        landmark_path = Path(weights_path) if weights_path else WEIGHTS_DIR / LANDMARK_FILE
        return cls(landmark_path, landmark_path.with_name(DETECTOR_FILE))

    def reset(self) -> None:
        """Forget the previous poses: the next boxes are all aligned by the detector."""
        self._track_rois: dict[int, np.ndarray] = {}  # track id -> ROI (4,) to track with
        self._next_rois: list[np.ndarray | None] = []  # per pose of the last call

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray,
                 track_ids: TrackIds | None = None) -> np.ndarray:
        """image: BGR (H, W, 3) uint8, boxes_xyxy (N, 4) -> keypoints (N, 15, 3) as x, y,
        score in image pixels; scores lie in [0, 1]. track_ids: the track each box continues
        (None: a fresh box, aligned by the pose detector)."""
        boxes = geometry.as_boxes(boxes_xyxy)
        track_ids = [None] * len(boxes) if track_ids is None else list(track_ids)
        if len(track_ids) != len(boxes):
            raise ValueError(f"{len(track_ids)} track ids for {len(boxes)} boxes")
        if len(boxes) == 0:
            self._next_rois = []
            return np.zeros((0, NUM_JOINTS, 3))
        rois = self._rois(image, boxes, track_ids)
        crops, matrices = _crops(image, rois, LANDMARK_SIZE)
        raw, flags = self.landmarks(crops, ("Identity", "Identity_1"))
        raw = raw.reshape(len(boxes), NUM_LANDMARKS, 5)
        points = np.stack([bg.apply_affine(bg.invert_affine(m), r[:, :2])
                           for m, r in zip(matrices, raw)])
        keypoints = self._keypoints(points, raw, flags.reshape(-1), image.shape)
        self._remember(points, flags.reshape(-1))
        if any(track_id is not None for track_id in track_ids):
            self.assign(track_ids)
        return keypoints

    def assign(self, track_ids: TrackIds) -> None:
        """Key the tracking ROIs of the last call's poses by their tracks (N items; None: not
        tracked); a track whose pose was not seen loses its ROI, tracks not in the call keep
        theirs (a tracker may estimate its tracks in more than one call per frame)."""
        for track_id, roi in zip(track_ids, self._next_rois):
            if track_id is None:
                continue
            if roi is None:
                self._track_rois.pop(track_id, None)
            else:
                self._track_rois[track_id] = roi

    def _keypoints(self, points, raw, flags, image_shape) -> np.ndarray:
        """The 15 joints (N, 15, 3) from landmarks (N, 39, 2) in frame pixels and raw outputs."""
        height, width = image_shape[:2]
        scores = bg.sigmoid(raw[..., 3]) * flags[:, None]
        inside = ((points[..., 0] >= 0) & (points[..., 0] <= width - 1)
                  & (points[..., 1] >= 0) & (points[..., 1] <= height - 1))
        scores[(bg.sigmoid(raw[..., 4]) < self.presence_thresh) | ~inside] = 0.0
        landmarks = np.concatenate([points, scores[..., None]], axis=2)
        joints = bg.landmarks_to_joints(landmarks)
        joints[..., 0] = joints[..., 0].clip(0, width - 1)
        joints[..., 1] = joints[..., 1].clip(0, height - 1)
        return joints

    def _rois(self, image: np.ndarray, boxes: np.ndarray, track_ids: list) -> np.ndarray:
        """Person-aligned ROIs (N, 4): the tracked ROI where the box continues a track that has
        one, else one aligned by the pose detector, else an upright square around the box."""
        rois = bg.roi_around_box(boxes)
        found = np.array([track_id in self._track_rois for track_id in track_ids])
        for i in np.flatnonzero(found):
            rois[i] = self._track_rois[track_ids[i]]
        if not found.all():
            rois[~found] = self._detect_rois(image, boxes[~found], rois[~found])
        return rois

    def _detect_rois(self, image: np.ndarray, boxes: np.ndarray, rois: np.ndarray):
        """Run the pose detector on each box's square ROI; keep, per box, the best detection
        whose face box centre lies inside the box. Boxes without one keep their ROI.

        The detector runs one crop at a time: its output reshape fixes the batch to 1."""
        crops, matrices = _crops(image, rois, DETECTOR_SIZE)
        rois = rois.copy()
        for i, (crop, box, matrix) in enumerate(zip(crops, boxes, matrices)):
            raw_boxes, raw_scores = self.detector(crop[None] * 2 - 1, ("Identity", "Identity_1"))
            scores, faces, keypoints = bg.decode_detections(
                raw_boxes.reshape(len(self.anchors), -1), raw_scores, self.anchors,
                input_size=DETECTOR_SIZE)
            inverse = bg.invert_affine(matrix)
            centres = bg.apply_affine(inverse, faces[:, :2] * DETECTOR_SIZE)
            inside = ((centres >= box[:2]) & (centres <= box[2:])).all(axis=1)
            scores = np.where(inside, scores, 0.0)
            best = int(scores.argmax())
            if scores[best] < self.detector_score_thresh:
                log.debug("no pose detection in box %s; using the upright square", box)
                continue
            points = bg.apply_affine(inverse, keypoints[best, :2] * DETECTOR_SIZE)
            rois[i] = self._aligned_roi(points[None, 0], points[None, 1])[0]
        return rois

    def _aligned_roi(self, centre_xy: np.ndarray, scale_xy: np.ndarray) -> np.ndarray:
        rois = bg.roi_from_alignment(centre_xy, scale_xy, scale=self.roi_scale)
        rois[:, 3] = rois[:, 3].clip(-self.max_rotation, self.max_rotation)
        return rois

    def _remember(self, points: np.ndarray, flags: np.ndarray) -> None:
        """Keep, per pose of this call, the ROI to track it with; as in MediaPipe, a pose whose
        presence is below ``presence_thresh`` is not tracked (None: its next box goes back to
        the detector)."""
        rois = self._aligned_roi(points[:, HIP_CENTRE], points[:, SCALE_POINT])
        self._next_rois = [roi if flag >= self.presence_thresh else None
                           for roi, flag in zip(rois, flags)]

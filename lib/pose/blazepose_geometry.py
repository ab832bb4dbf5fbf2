"""BlazePose geometry: rotated square crops, detector decoding, 33 landmarks -> 15 joints (numpy).

A region of interest (ROI) is a row ``[centre_x, centre_y, side, rotation]`` in frame pixels;
``rotation`` is in radians, clockwise on screen (y points down), and turns the person upright in
the crop, as MediaPipe's ``NormalizedRect.rotation``. Shape letters: N persons, A anchors.
"""
from __future__ import annotations

import numpy as np

from lib.joints import JOINT_NAMES

# BlazePose landmark indices (MediaPipe's order, left/right of the person)
NOSE, LEFT_EYE, RIGHT_EYE, MOUTH_LEFT, MOUTH_RIGHT = 0, 2, 5, 9, 10
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
# the 15 PoseTrack joints (lib/joints.py order) taken directly from a BlazePose landmark; -1 derived
JOINT_SOURCES = (28, 26, 24, 23, 25, 27, 16, 14, 12, 11, 13, 15, -1, NOSE, -1)
HEAD_BOTTOM, HEAD_TOP = JOINT_NAMES.index("head_bottom"), JOINT_NAMES.index("head_top")


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function of logits (any shape), clipped to +-60 so float32 cannot overflow."""
    return 1 / (1 + np.exp(-np.clip(values, -60, 60)))


def roi_to_affine(roi, crop_size: int) -> np.ndarray:
    """(2, 3) affine matrix taking frame pixels to the pixels of a ``crop_size`` square crop."""
    centre_x, centre_y, side, rotation = (float(v) for v in roi)
    scale = crop_size / side
    cos, sin = np.cos(rotation) * scale, np.sin(rotation) * scale
    # crop = R(-rotation) (frame - centre) * scale + crop_size / 2
    return np.array([[cos, sin, crop_size / 2 - cos * centre_x - sin * centre_y],
                     [-sin, cos, crop_size / 2 + sin * centre_x - cos * centre_y]])


def invert_affine(matrix: np.ndarray) -> np.ndarray:
    """The inverse of a (2, 3) affine matrix, as a (2, 3) matrix."""
    (a, b), (c, d) = matrix[:, :2]
    linear_inv = np.array([[d, -b], [-c, a]]) / (a * d - b * c)
    return np.hstack([linear_inv, -linear_inv @ matrix[:, 2:]])


def apply_affine(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map points (..., 2) with a (2, 3) affine matrix."""
    return points @ matrix[:, :2].T + matrix[:, 2]


def roi_from_alignment(centre_xy, scale_xy, *, scale: float = 1.25,
                       target_angle: float = np.pi / 2) -> np.ndarray:
    """MediaPipe's person ROI from two alignment points, (N, 2) each -> rois (N, 4).

    The square is centred on ``centre_xy`` (the hip centre), its side is twice the distance to
    ``scale_xy`` (the point that bounds the full body) times ``scale``, and it is rotated so the
    centre -> scale-point direction points up (``target_angle`` measured with y up).
    """
    centre, point = np.asarray(centre_xy, float), np.asarray(scale_xy, float)
    delta = point - centre
    side = 2 * np.hypot(delta[:, 0], delta[:, 1]) * scale
    rotation = target_angle - np.arctan2(-delta[:, 1], delta[:, 0])
    rotation = rotation - 2 * np.pi * np.floor((rotation + np.pi) / (2 * np.pi))
    return np.column_stack([centre, side, rotation])


def roi_around_box(boxes_xyxy, *, scale: float = 1.0) -> np.ndarray:
    """Upright square ROIs (N, 4) centred on each box, side ``scale`` times its longer extent."""
    boxes = np.asarray(boxes_xyxy, float).reshape(-1, 4)
    side = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) * scale
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    return np.column_stack([centre, np.maximum(side, 1.0), np.zeros(len(boxes))])


def ssd_anchors(input_size: int = 224, strides=(8, 16, 32, 32, 32),
                anchors_per_layer: int = 2) -> np.ndarray:
    """Anchor centres (A, 2), normalised to [0, 1], of MediaPipe's pose detector.

    Layers that share a stride share one grid whose cells hold the anchors of all of them
    (MediaPipe's ``SsdAnchorsCalculator`` with fixed anchor size and one aspect ratio); for a
    224 input that gives 28·28·2 + 14·14·2 + 7·7·6 = 2254 anchors.
    """
    centres = []
    for stride in dict.fromkeys(strides):
        repeat = anchors_per_layer * strides.count(stride)
        cells = int(np.ceil(input_size / stride))
        grid_y, grid_x = np.mgrid[0:cells, 0:cells]
        cell_centres = np.column_stack([grid_x.ravel() + 0.5, grid_y.ravel() + 0.5]) / cells
        centres.append(np.repeat(cell_centres, repeat, axis=0))
    return np.concatenate(centres)


def decode_detections(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, *,
                      input_size: int = 224, num_keypoints: int = 4):
    """Decode the pose detector's raw output for one image.

    raw_boxes (A, 4 + 2·num_keypoints): x, y, w, h offsets then keypoint x, y offsets, in input
    pixels relative to the anchor; raw_scores (A,) logits; anchors (A, 2) ->
    (scores (A,) in [0, 1], boxes (A, 4) as normalised centre x, centre y, w, h,
    keypoints (A, num_keypoints, 2) normalised x, y).
    """
    scores = sigmoid(raw_scores.reshape(-1).astype(np.float64))
    values = raw_boxes / input_size
    boxes = values[:, :4].copy()
    boxes[:, :2] += anchors
    keypoints = values[:, 4:4 + 2 * num_keypoints].reshape(-1, num_keypoints, 2) + anchors[:, None]
    return scores, boxes, keypoints


def landmarks_to_joints(landmarks: np.ndarray, *, neck_to_mouth: float = 0.6,
                        head_top_to_eyes: float = 2.0) -> np.ndarray:
    """Map BlazePose landmarks (N, 33+, 3) as x, y, score to the 15 PoseTrack joints (N, 15, 3).

    Limbs, shoulders, hips and nose are copied. head_bottom (upper neck) lies ``neck_to_mouth``
    of the way from the shoulder midpoint to the mouth midpoint; head_top lies beyond the eye
    midpoint, away from the mouth, at ``head_top_to_eyes`` times the mouth-to-eye distance. A
    derived joint's score is the lowest score of the landmarks it is built from.
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    joints = np.zeros((len(lm), len(JOINT_SOURCES), 3))
    direct = [i for i, src in enumerate(JOINT_SOURCES) if src >= 0]
    joints[:, direct] = lm[:, [JOINT_SOURCES[i] for i in direct]]
    shoulders = lm[:, [LEFT_SHOULDER, RIGHT_SHOULDER]]
    mouth, eyes = lm[:, [MOUTH_LEFT, MOUTH_RIGHT]], lm[:, [LEFT_EYE, RIGHT_EYE]]
    shoulder_mid, mouth_mid, eye_mid = (p[..., :2].mean(axis=1) for p in (shoulders, mouth, eyes))
    joints[:, HEAD_BOTTOM, :2] = shoulder_mid + neck_to_mouth * (mouth_mid - shoulder_mid)
    joints[:, HEAD_BOTTOM, 2] = np.minimum(shoulders[..., 2].min(1), mouth[..., 2].min(1))
    joints[:, HEAD_TOP, :2] = eye_mid + head_top_to_eyes * (eye_mid - mouth_mid)
    joints[:, HEAD_TOP, 2] = np.minimum(eyes[..., 2].min(1), mouth[..., 2].min(1))
    return joints

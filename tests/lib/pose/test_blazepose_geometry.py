"""BlazePose crop geometry, detector decoding and the 33 -> 15 joint mapping, without the model."""
import cv2
import numpy as np
import pytest

from lib.pose import blazepose_geometry as bg

ROIS = [(320.0, 180.0, 200.0, 0.0), (100.5, 250.0, 480.0, 0.4), (600.0, -20.0, 90.0, -2.5)]


@pytest.mark.parametrize("roi", ROIS)
def test_crop_and_inverse_round_trip(roi):
    points = np.random.default_rng(0).uniform(-100, 700, size=(50, 2))
    matrix = bg.roi_to_affine(roi, 256)
    back = bg.apply_affine(bg.invert_affine(matrix), bg.apply_affine(matrix, points))
    assert np.abs(back - points).max() < 0.5
    np.testing.assert_allclose(bg.invert_affine(matrix), cv2.invertAffineTransform(matrix),
                               atol=1e-9)


@pytest.mark.parametrize("roi", ROIS[:2])
def test_crop_matrix_follows_cv2_warp(roi):
    """A dot drawn in the frame shows up in the cv2-warped crop where the matrix maps it."""
    frame = np.zeros((360, 640), np.float32)
    dot = np.array([roi[0] + 30.0, roi[1] - 20.0])
    frame[int(dot[1]), int(dot[0])] = 1.0
    crop = cv2.warpAffine(cv2.GaussianBlur(frame, (0, 0), 3), bg.roi_to_affine(roi, 256),
                          (256, 256))
    peak = np.unravel_index(crop.argmax(), crop.shape)[::-1]
    expected = bg.apply_affine(bg.roi_to_affine(roi, 256), dot)
    assert np.abs(np.array(peak) - expected).max() <= 1.0


def test_roi_centre_side_and_rotation():
    # hip centre (100, 200), scale point 80 px straight above: upright, side 2 * 80 * 1.25
    roi = bg.roi_from_alignment([[100, 200]], [[100, 120]])[0]
    np.testing.assert_allclose(roi, [100, 200, 200, 0], atol=1e-9)
    # body lying with the head to the right: after the crop, the head points up
    roi = bg.roi_from_alignment([[100, 200]], [[180, 200]])[0]
    head_in_crop = bg.apply_affine(bg.roi_to_affine(roi, 256), np.array([180.0, 200.0]))
    np.testing.assert_allclose(head_in_crop, [128, 128 - 256 / 2.5], atol=1e-9)
    assert roi[3] == pytest.approx(np.pi / 2)


def test_roi_around_box_is_upright_square_on_longer_side():
    roi = bg.roi_around_box([[10, 20, 110, 320]])[0]
    np.testing.assert_allclose(roi, [60, 170, 300, 0])


def test_ssd_anchors_layout():
    anchors = bg.ssd_anchors(224)
    assert anchors.shape == (28 * 28 * 2 + 14 * 14 * 2 + 7 * 7 * 6, 2) == (2254, 2)
    np.testing.assert_allclose(anchors[:2], [[0.5 / 28, 0.5 / 28]] * 2)
    np.testing.assert_allclose(anchors[2], [1.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(anchors[1568], [0.5 / 14, 0.5 / 14])
    np.testing.assert_allclose(anchors[-6:], [[6.5 / 7, 6.5 / 7]] * 6)


def test_decode_detections_offsets_from_anchor():
    anchors = np.array([[0.25, 0.5], [0.75, 0.75]])
    raw = np.zeros((2, 12))
    raw[1, :4] = [22.4, -11.2, 56, 112]  # centre shifted by (+0.1, -0.05), size 0.25 x 0.5
    raw[1, 4:6] = [-22.4, 0]             # first keypoint 0.1 left of the anchor
    scores, boxes, keypoints = bg.decode_detections(raw, np.array([-3.0, 2.0]), anchors)
    np.testing.assert_allclose(scores, 1 / (1 + np.exp([3.0, -2.0])))
    np.testing.assert_allclose(boxes[1], [0.85, 0.7, 0.25, 0.5])
    np.testing.assert_allclose(keypoints[1, 0], [0.65, 0.75])
    np.testing.assert_allclose(keypoints[0], [[0.25, 0.5]] * 4)


def test_landmarks_to_joints_on_hand_made_pose():
    landmarks = np.zeros((1, 33, 3))
    landmarks[0, :, 0] = np.arange(33)          # x = landmark index
    landmarks[0, :, 1] = 100 + np.arange(33)    # y = 100 + index
    landmarks[0, :, 2] = 0.9
    landmarks[0, [2, 5], :2] = [[40, 50], [60, 50]]        # eyes
    landmarks[0, [9, 10], :2] = [[45, 70], [55, 70]]       # mouth
    landmarks[0, [11, 12], :2] = [[80, 130], [20, 130]]    # shoulders
    landmarks[0, 10, 2] = 0.4
    joints = bg.landmarks_to_joints(landmarks, neck_to_mouth=0.5, head_top_to_eyes=2.0)[0]
    # right ankle, right knee, right hip, left hip, left knee, left ankle, right wrist, ...
    direct = {0: 28, 1: 26, 2: 24, 3: 23, 4: 25, 5: 27, 6: 16, 7: 14, 10: 13, 11: 15, 13: 0}
    for joint, landmark in direct.items():
        np.testing.assert_allclose(joints[joint], [landmark, 100 + landmark, 0.9])
    np.testing.assert_allclose(joints[8], [20, 130, 0.9])      # right shoulder
    np.testing.assert_allclose(joints[9], [80, 130, 0.9])      # left shoulder
    np.testing.assert_allclose(joints[12], [50, 100, 0.4])     # halfway shoulders -> mouth
    np.testing.assert_allclose(joints[14], [50, 10, 0.4])      # eyes + 2 * (eyes - mouth)

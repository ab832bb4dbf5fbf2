"""COCO 17 keypoints -> 15 PoseTrack joints: copied joints by name, derived neck and head top."""
import numpy as np

from lib.joints import JOINT_NAMES
from lib.pose.coco_joints import coco_to_joints

COCO_NAMES = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
              "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
              "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")


def upright_person() -> np.ndarray:
    """(17, 3) COCO keypoints of an upright person facing the camera, distinct scores."""
    points = {"nose": (50, 20), "left_eye": (54, 16), "right_eye": (46, 16), "left_ear": (58, 18),
              "right_ear": (42, 18), "left_shoulder": (65, 40), "right_shoulder": (35, 40),
              "left_elbow": (70, 60), "right_elbow": (30, 60), "left_wrist": (72, 80),
              "right_wrist": (28, 80), "left_hip": (60, 90), "right_hip": (40, 90),
              "left_knee": (60, 120), "right_knee": (40, 120), "left_ankle": (60, 150),
              "right_ankle": (40, 150)}
    return np.array([[*points[n], 0.5 + 0.02 * i] for i, n in enumerate(COCO_NAMES)])


def test_shared_joints_are_copied_by_name():
    coco = upright_person()
    joints = coco_to_joints(coco[None])[0]
    for index, name in enumerate(JOINT_NAMES):
        if name in COCO_NAMES:
            np.testing.assert_array_equal(joints[index], coco[COCO_NAMES.index(name)])


def test_neck_and_head_top_follow_the_head_direction():
    coco = upright_person()
    joints = coco_to_joints(coco[None])[0]
    neck, top = joints[JOINT_NAMES.index("head_bottom")], joints[JOINT_NAMES.index("head_top")]
    np.testing.assert_allclose(neck[:2], [50, 30])  # half-way from shoulder midpoint to nose
    assert top[1] < 16 and abs(top[0] - 50) < 1  # above the eyes, on the midline
    scores = coco[:, 2]
    assert neck[2] == min(scores[0], scores[5], scores[6])
    assert top[2] == min(neck[2], scores[1:5].max())
    # the same person lying on its side (rotated 90 degrees): the head top turns with it
    lying = coco.copy()
    lying[:, :2] = coco[:, [1, 0]] * [1, -1] + [0, 200]
    rotated = coco_to_joints(lying[None])[0]
    np.testing.assert_allclose(rotated[:, :2], joints[:, [1, 0]] * [1, -1] + [0, 200], atol=1e-9)

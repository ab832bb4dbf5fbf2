"""MoveNet lightning, thunder and thunder with an int8 backbone on the portrait scene of the
BlazePose test (same regions)."""
import numpy as np
import pytest

from lib import components, geometry
from lib.errors import LightTrackError
from lib.tracker import LightTracker
from network_movenet import MoveNetEstimator
from tests.test_network_blazepose import (FACE, HEAD_BOTTOM, HEAD_TOP, L_SHOULDER, LAYOUT, NOSE,
                                          R_SHOULDER, SHOULDERS, background, inside, make_scene,
                                          person_boxes, to_frame)

MODELS = ("movenet-lightning", "movenet-thunder", "movenet-thunder-int8")


@pytest.fixture(scope="module", params=MODELS)
def estimator(request):
    return components.build("pose", request.param)


@pytest.fixture(scope="module")
def scene():
    return make_scene()


@pytest.fixture(scope="module")
def poses(estimator, scene):
    frame, placement = scene
    boxes = np.array([geometry.enlarge_box(box, 0.2) for box in person_boxes(placement)])
    return boxes, estimator.estimate(frame, boxes)


@pytest.mark.slow
@pytest.mark.parametrize("index,name", list(enumerate(LAYOUT)))
def test_head_and_shoulders_land_on_the_person(scene, poses, index, name):
    scale, offset = scene[1][name]
    keypoints = poses[1][index]
    nose, right, left = keypoints[NOSE], keypoints[R_SHOULDER], keypoints[L_SHOULDER]
    face = to_frame(FACE[name], scale, offset)
    assert inside(nose, face)
    shoulders = to_frame(SHOULDERS[name], scale, offset)
    assert inside(right, shoulders) and inside(left, shoulders)
    assert keypoints[HEAD_TOP, 1] < nose[1]
    assert keypoints[HEAD_TOP, 1] > face[1] - (face[3] - face[1])  # not far above the face
    if name != "camera":  # frontal: the person's right is on the image's left
        assert right[0] < nose[0] < left[0]
        assert nose[1] < keypoints[HEAD_BOTTOM, 1] < (right[1] + left[1]) / 2


@pytest.mark.slow
def test_people_score_above_and_background_below_the_lost_threshold(estimator, scene, poses):
    thresh = estimator.lost_score_thresh
    assert (geometry.top_k_mean_scores(poses[1], 4) > thresh).all()
    empty = np.array([[0, 0, 200, 120], [250, 10, 400, 125], [420, 0, 639, 140]], float)
    for image in (scene[0], background()):
        keypoints = estimator.estimate(image, empty)
        assert (geometry.top_k_mean_scores(keypoints, 4) < thresh).all()
    assert estimator.estimate(scene[0], np.zeros((0, 4))).shape == (0, 15, 3)


@pytest.mark.slow
def test_unseen_joints_score_low_and_all_stay_in_frame(estimator, poses):
    keypoints = poses[1]
    # Grace Hopper is cut below the chest: no hips, knees or ankles
    assert (keypoints[2, :6, 2] < estimator.lost_score_thresh / 2).all()
    assert (keypoints[..., 0] >= 0).all() and (keypoints[..., 0] <= 639).all()
    assert (keypoints[..., 1] >= 0).all() and (keypoints[..., 1] <= 359).all()


@pytest.mark.slow
def test_tracker_follows_moving_portraits_without_losing_them(estimator):
    """12 frames of portraits moving 3 px per frame: the same three ids throughout, and at
    most one keyframe more than the interval asks for (a lost-target redetection)."""
    tracker = LightTracker(None, estimator, None, keyframe_interval=10)
    extra_keyframes = 0
    for t in range(12):
        frame, placement = make_scene(shift=3 * t)
        result = tracker.step(frame, (person_boxes(placement), np.ones(3)))
        extra_keyframes += result.is_keyframe and t % 10 != 0
        assert sorted(p.track_id for p in result.persons) == [0, 1, 2]
    assert extra_keyframes <= 1


@pytest.mark.slow
def test_int8_backbone_keeps_thunders_joints(scene):
    """On people the calibration never saw, float thunder's confident joints (score above 0.5)
    are placed by the int8 model within 2 % of the crop side (6 px here) and scored within 0.1."""
    frame, placement = scene
    boxes = np.array([geometry.enlarge_box(box, 0.2) for box in person_boxes(placement)])
    full = MoveNetEstimator(model="thunder", joint_score_thresh=0.0).estimate(frame, boxes)
    int8 = MoveNetEstimator(model="thunder-int8", joint_score_thresh=0.0).estimate(frame, boxes)
    confident = full[..., 2] > 0.5
    assert confident.sum() >= 15
    side = 1.25 * np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    distance = np.linalg.norm(int8[..., :2] - full[..., :2], axis=-1) / side[:, None]
    assert (distance[confident] < 0.02).all()
    assert np.abs(int8[..., 2] - full[..., 2])[confident].max() < 0.1


def test_each_class_loads_its_own_model():
    from network_movenet import (MoveNetLightningEstimator, MoveNetThunderEstimator,
                                 MoveNetThunderInt8Estimator)
    assert MoveNetLightningEstimator().input_size == 192
    assert MoveNetThunderEstimator(joint_score_thresh=0.0).input_size == 256
    assert MoveNetThunderInt8Estimator().input_size == 256
    assert MoveNetEstimator(model="lightning").input_size == 192


def test_missing_and_truncated_weights_name_the_file_and_the_fix(tmp_path):
    path = tmp_path / "movenet-thunder.tflite"
    with pytest.raises(LightTrackError, match=f"{path} not found: run make weights"):
        MoveNetEstimator(path)
    path.write_bytes(b"TFL3" + b"\0" * 100)
    with pytest.raises(LightTrackError, match=f"{path} is not a valid TFLite model.*make weights"):
        MoveNetEstimator(path)

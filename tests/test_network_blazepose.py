"""BlazePoseEstimator on the portrait photos of the demo clip pasted into a 640x360 frame."""
import cv2
import matplotlib.cbook
import numpy as np
import pytest
import skimage.data

import network_blazepose
from lib import geometry
from lib.errors import LightTrackError
from lib.tracker import LightTracker
from network_blazepose import BlazePoseEstimator

# name: (x, y, height) of the photo in the frame; the bottom of each photo is cut by the frame
LAYOUT = {"astronaut": (10, 140, 220), "camera": (230, 130, 230), "grace": (440, 150, 210)}
# regions measured once, in pixels of the original photos, as x1, y1, x2, y2
PERSON = {"astronaut": (20, 15, 365, 512), "camera": (0, 62, 335, 512),
          "grace": (10, 20, 512, 600)}
FACE = {"astronaut": (175, 70, 275, 180), "camera": (175, 110, 265, 200),
        "grace": (180, 140, 350, 320)}
SHOULDERS = {"astronaut": (40, 180, 360, 330), "camera": (60, 120, 240, 260),
             "grace": (40, 330, 512, 520)}
NOSE, HEAD_BOTTOM, HEAD_TOP, R_SHOULDER, L_SHOULDER = 13, 12, 14, 8, 9


def photos() -> dict[str, np.ndarray]:
    """The three portraits as BGR images."""
    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return {"astronaut": skimage.data.astronaut()[..., ::-1],
            "camera": cv2.cvtColor(skimage.data.camera(), cv2.COLOR_GRAY2BGR),
            "grace": cv2.imread(str(path))}


def background() -> np.ndarray:
    y, x = np.mgrid[0:360, 0:640]
    return np.dstack([60 + 0.3 * x, 80 + 0.4 * y, 150 - 0.1 * x]).astype(np.uint8)


def make_scene(shift: int = 0):
    """(frame, {name: (scale, offset_xy)}) with the photos pasted on the background, each
    moved ``shift`` pixels right of its place in LAYOUT."""
    frame, placement = background(), {}
    for name, image in photos().items():
        x, y, height = LAYOUT[name]
        x += shift
        scale = height / image.shape[0]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        visible = image[:360 - y, :640 - x]
        frame[y:y + visible.shape[0], x:x + visible.shape[1]] = visible
        placement[name] = (scale, np.array([x, y], float))
    return frame, placement


@pytest.fixture(scope="module")
def scene():
    return make_scene()


def to_frame(region, scale, offset) -> np.ndarray:
    return np.asarray(region, float) * scale + np.tile(offset, 2)


def inside(point, region) -> bool:
    return region[0] <= point[0] <= region[2] and region[1] <= point[1] <= region[3]


@pytest.fixture(scope="module")
def estimator():
    return BlazePoseEstimator.from_options()


@pytest.fixture(scope="module")
def poses(estimator, scene):
    """Keypoints (3, 15, 3) in the enlarged person boxes (what the tracker passes)."""
    frame, placement = scene
    boxes = np.array([geometry.enlarge_box(box, 0.2) for box in person_boxes(placement)])
    return boxes, estimator.estimate(frame, boxes)


def person_boxes(placement) -> np.ndarray:
    """The detector's boxes (3, 4) of the pasted persons, inside the frame."""
    return np.array([to_frame(PERSON[n], *placement[n]).clip(0, [639, 359] * 2) for n in LAYOUT])


@pytest.mark.slow
@pytest.mark.parametrize("index,name", list(enumerate(LAYOUT)))
def test_head_and_shoulders_land_on_the_person(scene, poses, index, name):
    scale, offset = scene[1][name]
    keypoints = poses[1][index]
    nose, right, left = keypoints[NOSE], keypoints[R_SHOULDER], keypoints[L_SHOULDER]
    assert inside(nose, to_frame(FACE[name], scale, offset))
    shoulders = to_frame(SHOULDERS[name], scale, offset)
    assert inside(right, shoulders) and inside(left, shoulders)
    assert keypoints[HEAD_TOP, 1] < nose[1]
    if name == "camera":  # profile facing right, bent forward: shoulders behind the face
        assert max(right[0], left[0]) < nose[0]
    else:  # frontal: the person's right is on the image's left
        assert right[0] < nose[0] < left[0] and nose[1] < min(right[1], left[1])
        assert nose[1] < keypoints[HEAD_BOTTOM, 1] < (right[1] + left[1]) / 2


@pytest.mark.slow
def test_visible_joints_score_above_lost_threshold(poses):
    keypoints, thresh = poses[1], BlazePoseEstimator.lost_score_thresh
    assert (keypoints[:, [NOSE, R_SHOULDER, L_SHOULDER], 2] > thresh).all()
    assert (geometry.top_k_mean_scores(keypoints, 4) > thresh).all()


@pytest.mark.slow
def test_out_of_frame_joints_get_zero_and_stay_in_frame(poses):
    keypoints = poses[1]
    grace = keypoints[2]  # the frame cuts Grace Hopper below the chest: no hips, knees, ankles
    assert (grace[:6, 2] == 0).all()
    assert (keypoints[..., 0] >= 0).all() and (keypoints[..., 0] <= 639).all()
    assert (keypoints[..., 1] >= 0).all() and (keypoints[..., 1] <= 359).all()


@pytest.mark.slow
def test_tracked_boxes_stay_on_the_person(estimator, scene, poses):
    """Five frames of the tracker's rule (next box from the keypoints) on the still scene."""
    boxes, keypoints = poses
    estimator.assign([0, 1, 2])
    for _ in range(5):
        tracked = np.array(geometry.boxes_from_keypoints(keypoints, 0.2))
        keypoints = estimator.estimate(scene[0], tracked, [0, 1, 2])
    for name, box, box_tracked in zip(LAYOUT, boxes, tracked):
        face = to_frame(FACE[name], *scene[1][name])
        bound = geometry.enlarge_box(box, 0.2)  # the box neither blows up nor leaves the face
        assert (box_tracked[:2] >= bound[:2]).all() and (box_tracked[2:] <= bound[2:]).all()
        assert (box_tracked[:2] <= face[:2]).all() and (box_tracked[2:] >= face[2:]).all()
    assert (geometry.top_k_mean_scores(keypoints, 4) > estimator.lost_score_thresh).all()


@pytest.mark.slow
def test_batch_gives_the_same_poses_as_one_by_one(scene, poses):
    fresh = BlazePoseEstimator.from_options()  # no tracked ROIs: the detector aligns each box
    one_by_one = np.concatenate([fresh.estimate(scene[0], box[None]) for box in poses[0]])
    fresh = BlazePoseEstimator.from_options()
    np.testing.assert_allclose(fresh.estimate(scene[0], poses[0]), one_by_one, atol=1e-3)


@pytest.mark.slow
def test_box_without_person_is_lost(estimator, scene):
    boxes = np.array([[0, 0, 200, 120], [250, 10, 400, 125], [420, 0, 639, 140]], float)
    for image in (scene[0], background()):
        keypoints = estimator.estimate(image, boxes)
        assert (geometry.top_k_mean_scores(keypoints, 4) < estimator.lost_score_thresh).all()
    assert estimator.estimate(scene[0], np.zeros((0, 4))).shape == (0, 15, 3)


@pytest.mark.slow
def test_tracker_follows_moving_portraits_without_losing_them(estimator):
    """LightTracker with this estimator over 12 frames of portraits moving 3 px per frame:
    keyframes only where the interval says, the same three track ids throughout."""
    tracker = LightTracker(None, estimator, None, keyframe_interval=10)
    for t in range(12):
        frame, placement = make_scene(shift=3 * t)
        result = tracker.step(frame, (person_boxes(placement), np.ones(3)))
        assert result.is_keyframe == (t % 10 == 0)
        assert sorted(p.track_id for p in result.persons) == [0, 1, 2]
        assert inside(result.persons[0].keypoints[NOSE],
                      to_frame(FACE["astronaut"], *placement["astronaut"]))


class CountingModel:
    """Wraps a model of the estimator and counts the crops it runs."""

    def __init__(self, model):
        self.model, self.crops = model, 0

    def __call__(self, crops, names):
        self.crops += len(crops)
        return self.model(crops, names)


@pytest.mark.slow
@pytest.mark.parametrize("enlarge_scale", [0.2, 0.5])
def test_tracked_frames_skip_the_pose_detector_whatever_the_box_rule(enlarge_scale):
    """Tracking mode follows the track ids the tracker declares, not a copy of its box rule:
    with enlarge_scale 0.5 (boxes the estimator could never rebuild) the pose detector still
    runs only at keyframes."""
    estimator = BlazePoseEstimator.from_options()
    counter = estimator.detector = CountingModel(estimator.detector)
    tracker = LightTracker(None, estimator, None, keyframe_interval=4,
                           enlarge_scale=enlarge_scale)
    crops = []
    for t in range(6):
        frame, placement = make_scene(shift=2 * t)
        result = tracker.step(frame, (person_boxes(placement), np.ones(3)))
        assert sorted(p.track_id for p in result.persons) == [0, 1, 2]
        crops.append(counter.crops)
        counter.crops = 0
    assert crops == [3, 0, 0, 0, 3, 0]


def test_tracks_estimated_in_separate_calls_keep_their_regions():
    """The memory association estimates a frame's tracks in more than one call (followed
    tracks, then newcomers): a call without a track does not drop that track's region."""
    estimator = BlazePoseEstimator.from_options()
    counter = estimator.detector = CountingModel(estimator.detector)
    frame, placement = make_scene()
    boxes = person_boxes(placement)
    estimator.estimate(frame, boxes, [0, 1, 2])
    counter.crops = 0
    estimator.estimate(frame, boxes[:1], [0])
    estimator.estimate(frame, boxes[1:], [1, 2])
    assert counter.crops == 0


def test_missing_weights_name_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(network_blazepose, "WEIGHTS_DIR", tmp_path / "weights/blazepose")
    with pytest.raises(LightTrackError, match="weights/blazepose/pose_landmark_full.tflite "
                                              "not found: run make weights"):
        BlazePoseEstimator.from_options()


def test_corrupt_weights_name_the_file_and_the_fix(tmp_path):
    path = tmp_path / "pose_landmark_full.tflite"
    path.write_bytes(b"not a flatbuffer" * 100)
    with pytest.raises(LightTrackError, match=f"{path}.*run make weights"):
        BlazePoseEstimator.from_options(str(path))

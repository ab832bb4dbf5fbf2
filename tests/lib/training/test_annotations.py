"""COCO -> 15 joints (SPEC §2.1), the COCO filters of §3.7 and PoseTrack'17 loading (§2.5)."""
import json

import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.training.annotations import coco_to_posetrack, load_coco, load_posetrack17


def coco_keypoints(**points):
    """17 COCO keypoints, all unannotated except ``name=(x, y, v)``."""
    index = {"nose": 0, "leye": 1, "reye": 2, "lsho": 5, "rsho": 6, "lwri": 9, "rank": 16}
    keypoints = np.zeros((17, 3))
    for name, value in points.items():
        keypoints[index[name]] = value
    return keypoints


def test_copied_joints_follow_the_spec_table():
    keypoints = np.arange(51, dtype=float).reshape(17, 3) + 1  # every joint annotated, v > 0
    joints = coco_to_posetrack(keypoints)
    table = {0: 16, 1: 14, 2: 12, 3: 11, 4: 13, 5: 15, 6: 10, 7: 8, 8: 6, 9: 5, 10: 7, 11: 9,
             13: 0}
    for target, source in table.items():
        np.testing.assert_array_equal(joints[target], keypoints[source])


def test_neck_and_head_top_from_fully_annotated_sources():
    joints = coco_to_posetrack(coco_keypoints(
        nose=(50, 30, 2), leye=(56, 26, 2), reye=(44, 26, 1), lsho=(70, 60, 2), rsho=(30, 64, 1)))
    np.testing.assert_allclose(joints[12], (50, 62, 1.5))            # mean of the shoulders
    np.testing.assert_allclose(joints[14], (50, 2 * 30 - 62, 1.5))   # eyes' x, 2·nose − neck
    np.testing.assert_allclose(joints[0], (0, 0, 0))                 # right ankle unannotated


def test_half_annotated_pairs_do_not_average_zeros_in():
    # one shoulder: no neck, hence no head top (the original put the neck at half the shoulder)
    joints = coco_to_posetrack(coco_keypoints(nose=(50, 30, 2), leye=(56, 26, 2),
                                              lsho=(70, 60, 2)))
    np.testing.assert_array_equal(joints[12], (0, 0, 0))
    np.testing.assert_array_equal(joints[14], (0, 0, 0))
    # one eye: the head top takes that eye's x and visibility
    joints = coco_to_posetrack(coco_keypoints(nose=(50, 30, 2), reye=(44, 26, 1),
                                              lsho=(70, 60, 2), rsho=(30, 60, 2)))
    np.testing.assert_allclose(joints[14], (44, 2 * 30 - 60, 1))
    # no nose: no head top
    joints = coco_to_posetrack(coco_keypoints(leye=(56, 26, 2), lsho=(70, 60, 2),
                                              rsho=(30, 60, 2)))
    np.testing.assert_array_equal(joints[14], (0, 0, 0))


def write_coco(tmp_path, annotations):
    path = tmp_path / "annotations" / "person_keypoints_train2017.json"
    path.parent.mkdir()
    (tmp_path / "images" / "train2017").mkdir(parents=True)
    path.write_text(json.dumps({"images": [{"id": 7, "file_name": "a.jpg"}],
                                "annotations": annotations, "categories": []}))
    return path


def annotation(keypoints, **extra):
    keypoints = np.asarray(keypoints, float)
    return {"id": len(extra) + 1, "image_id": 7, "category_id": 1, "bbox": [1, 2, 30, 40],
            "iscrowd": 0, "num_keypoints": int((keypoints[:, 2] > 0).sum()),
            "keypoints": keypoints.ravel().tolist(), **extra}


def test_coco_filters_and_image_folder(tmp_path):
    good = coco_keypoints(nose=(5, 6, 2))
    path = write_coco(tmp_path, [
        annotation(good), annotation(good, iscrowd=1), annotation(np.zeros((17, 3))),
        annotation(good, num_keypoints=0), annotation(coco_keypoints(nose=(5, 6, 0)))])
    samples = load_coco(path, tmp_path)
    assert len(samples) == 1
    assert samples[0].image_path == str(tmp_path / "images" / "train2017" / "a.jpg")
    assert samples[0].box_xywh == (1, 2, 30, 40)
    np.testing.assert_array_equal(samples[0].joints[13], (5, 6, 2))


@pytest.mark.parametrize("content", ["{not json", '{"images": []}', '{"images": [], '
                                     '"annotations": [{"keypoints": [1, 2]}]}'])
def test_malformed_files_name_the_file(tmp_path, content):
    path = tmp_path / "person_keypoints_train.json"
    path.write_text(content)
    with pytest.raises(LightTrackError, match="person_keypoints_train.json"):
        load_coco(path, tmp_path)
    with pytest.raises(LightTrackError, match="person_keypoints_train.json"):
        load_posetrack17(path, tmp_path)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(LightTrackError, match="nothere.json not found"):
        load_coco(tmp_path / "nothere.json", tmp_path)


def test_posetrack17_persons(tmp_path):
    points = [{"id": [0], "x": [10.7], "y": [20.2], "is_visible": [1]},
              {"id": [13], "x": [30.0], "y": [60.0], "is_visible": [0]}]
    annolist = [
        {"image": [{"name": "images/v/1.jpg"}], "is_labeled": [1],
         "annorect": [{"annopoints": [{"point": points}]}, {"annopoints": []}]},
        {"image": [{"name": "images/v/2.jpg"}], "is_labeled": [0],
         "annorect": [{"annopoints": [{"point": points}]}]}]
    path = tmp_path / "posetrack_merged_train.json"
    path.write_text(json.dumps({"annolist": annolist}))
    (sample,) = load_posetrack17(path, tmp_path)
    assert sample.image_path == str(tmp_path / "images/v/1.jpg")
    np.testing.assert_array_equal(sample.joints[0], (10, 20, 2))   # int(x), int(y), visible+1
    np.testing.assert_array_equal(sample.joints[13], (30, 60, 1))
    # points span x 10..30, y 20..60; enlarged by int(0.5·0.2·extent) = 2, 4 per side
    assert sample.box_xywh == (8, 16, 24, 48)

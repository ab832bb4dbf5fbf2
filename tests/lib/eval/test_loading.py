"""Reading PoseTrack 2017/2018 files, cleanup and clear errors (SPEC §7.2, §7.3)."""
import json

import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.eval.loading import MISSING_SCORE, frames_from_2018, load_sequences, read_frames
from lib.eval.posetrack import evaluate
from lib.joints import POSETRACK18_KEYPOINTS
from tests.lib.eval.posetrack_files import (annolist, as_predictions, person, skeleton,
                                            walking_people, write_pair)


def test_2018_slots_are_mapped_by_name():
    keypoints = np.zeros((17, 3))
    keypoints[POSETRACK18_KEYPOINTS.index("head_bottom")] = 11, 12, 1
    keypoints[POSETRACK18_KEYPOINTS.index("left_ear")] = 50, 50, 1     # not a PoseTrack joint
    keypoints[POSETRACK18_KEYPOINTS.index("right_ankle")] = 7, 8, 0    # invisible but annotated
    keypoints[POSETRACK18_KEYPOINTS.index("nose")] = 0, 0, 1           # at the origin, visible
    scores = list(np.arange(17) / 10)
    data = {"images": [{"id": [5, 1], "file_name": "b.jpg"}, {"id": [3, 0], "file_name": "a.jpg"}],
            "annotations": [{"image_id": [3, 0], "track_id": 4,
                             "keypoints": list(keypoints.ravel()),
                             "scores": scores, "bbox_head": [10, 20, 30, 40]}],
            "categories": [{"name": "person", "keypoints": list(POSETRACK18_KEYPOINTS)}]}
    first, second = frames_from_2018(data)              # frame order = order of "images"
    assert first.num_rects == 0 and second.num_rects == 1
    joint = second.persons[0]
    assert np.flatnonzero(joint.present).tolist() == [0, 12, 13]   # x = y = v = 0 only is dropped
    np.testing.assert_allclose(joint.keypoints[12], [11, 12])
    assert joint.scores[12] == pytest.approx(0.1) and joint.scores[0] == pytest.approx(1.6)
    assert joint.head_box == (10, 20, 40, 60) and joint.track_id == 4


def test_2017_missing_score_and_unwrapped_values(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"annolist": [{"image": [{"name": "x"}], "annorect": [
        {"track_id": [3], "annopoints": [{"point": [{"id": [2], "x": [1.5], "y": [2.5]},
                                                    {"id": 2, "x": 9, "y": 9, "score": 0.5}]}]},
        {"track_id": [4]}]}]}))
    frame, = read_frames(path)
    assert frame.num_rects == 2 and len(frame.persons) == 1       # a rect without points is out
    person_ = frame.persons[0]
    np.testing.assert_allclose(person_.keypoints[2], [1.5, 2.5])   # the first point of a joint wins
    assert person_.scores[2] == MISSING_SCORE and person_.head_box is None


def test_empty_gt_frame_is_dropped_with_its_prediction_frame(tmp_path):
    gt = walking_people(3, 2)
    pred = as_predictions(gt)
    gt[1] = []
    write_pair(tmp_path, "seq", gt, pred)     # frame 1's predictions would all be false positives
    sequence, = load_sequences(tmp_path / "gt", tmp_path / "pred")
    assert len(sequence.gt) == len(sequence.pred) == 2
    assert evaluate(tmp_path / "gt", tmp_path / "pred")["mAP"] == pytest.approx(100.0)


@pytest.mark.parametrize("fmt", ["2017", "2018"])
def test_ignore_regions_remove_points_of_both_sides(tmp_path, fmt):
    gt = [[person(1, skeleton(50, 20)), person(2, skeleton(300, 20))]]
    pred = as_predictions(gt)
    pred[0].append(person(9, skeleton(600, 20)))           # a false positive inside the region
    region = [(35, 75), (65, 75), (65, 200), (35, 200)]     # covers person 1's legs (joints 0-5)
    region2 = [(550, 0), (700, 0), (700, 200), (550, 200)]  # covers all of person 9
    write_pair(tmp_path, "seq", gt, pred, fmt=fmt, regions={0: [region, region2]})
    sequence, = load_sequences(tmp_path / "gt", tmp_path / "pred")
    gt_persons, pred_persons = sequence.gt[0].persons, sequence.pred[0].persons
    assert np.flatnonzero(~gt_persons[0].present).tolist() == [0, 1, 2, 3, 4, 5]
    assert np.flatnonzero(~pred_persons[0].present).tolist() == [0, 1, 2, 3, 4, 5]
    assert len(pred_persons) == 2 and gt_persons[1].present.all()
    # person 9 would have been a false positive at every joint
    assert evaluate(tmp_path / "gt", tmp_path / "pred", eval_tracking=False)["mAP"] == 100


def test_missing_frame_is_a_clear_error(tmp_path):
    gt = walking_people(4, 2)
    write_pair(tmp_path, "seq_7", gt, as_predictions(gt)[:3])
    with pytest.raises(LightTrackError, match=r"sequence seq_7: 3 prediction frames .* 4 "
                                              r"ground-truth frames"):
        evaluate(tmp_path / "gt", tmp_path / "pred")


def test_missing_prediction_file(tmp_path):
    gt = walking_people(2, 1)
    write_pair(tmp_path, "seq", gt, gt)
    (tmp_path / "gt" / "other.json").write_text(json.dumps(annolist(gt, gt=True)))
    with pytest.raises(LightTrackError, match=r"other\.json is missing"):
        load_sequences(tmp_path / "gt", tmp_path / "pred")
    with pytest.raises(LightTrackError, match="does not exist"):
        load_sequences(tmp_path / "gt", tmp_path / "nowhere")


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"annolist": [{"annorect": 3}]}',
                                     '{"images": [], "categories": []}'])
def test_malformed_file_names_the_file(tmp_path, content):
    gt = walking_people(2, 1)
    write_pair(tmp_path, "seq", gt, as_predictions(gt))
    (tmp_path / "pred" / "seq.json").write_text(content)
    with pytest.raises(LightTrackError, match=r"pred/seq\.json: (not valid JSON|malformed)"):
        load_sequences(tmp_path / "gt", tmp_path / "pred")


@pytest.mark.parametrize("ids, message", [((3, 3), r"track ids \[3\] .* unique"),
                                          ((1, 10000), "below 10000"),
                                          ((1, None), "integer track_id")])
def test_bad_predicted_track_ids(tmp_path, ids, message):
    gt = walking_people(2, 2)
    pred = as_predictions(gt)
    for p, track_id in zip(pred[1], ids):
        p["track_id"] = track_id
    write_pair(tmp_path, "seq", gt, pred)
    with pytest.raises(LightTrackError, match=r"pred/seq\.json: frame 1 .*" + message):
        evaluate(tmp_path / "gt", tmp_path / "pred")
    # pose estimation alone does not look at ids (LightTrack's pose mode writes -1 for all)
    assert evaluate(tmp_path / "gt", tmp_path / "pred", eval_tracking=False)["mAP"] == 100


def test_track_ids_are_offset_per_sequence(tmp_path):
    gt = walking_people(2, 1)
    write_pair(tmp_path, "a", gt, as_predictions(gt))
    write_pair(tmp_path, "b", gt, as_predictions(gt))
    first, second = load_sequences(tmp_path / "gt", tmp_path / "pred")
    assert first.gt[0].persons[0].track_id == 1 and second.gt[0].persons[0].track_id == 10001
    assert second.pred[0].persons[0].track_id == 10001

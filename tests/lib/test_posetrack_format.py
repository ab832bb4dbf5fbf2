"""PoseTrack 2017/2018 files: slot mapping, converter round trips, bad input (SPEC §2.4, §7.2)."""
import json

import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.eval.loading import read_frames
from lib.formats.opensvai import OpenSVAIWriter, frame_to_dict, read_opensvai
from lib.formats.posetrack import (annotations18, convert_folder, image_path, keypoints_from_slots,
                                   keypoints_to_slots, person_category,
                                   read_posetrack18, to_posetrack17, to_posetrack18)
from lib.formats.jsonfile import write_json
from lib.interfaces import Track
from lib.joints import JOINT_NAMES, POSETRACK18_KEYPOINTS

VIDEO = "000007_synthetic"


def test_slots_follow_the_names():
    kps = np.arange(45, dtype=float).reshape(15, 3) + 1
    slots = keypoints_to_slots(kps)
    for joint, name in enumerate(JOINT_NAMES):
        np.testing.assert_array_equal(slots[POSETRACK18_KEYPOINTS.index(name)], kps[joint])
    for ear in ("left_ear", "right_ear"):
        assert not slots[POSETRACK18_KEYPOINTS.index(ear)].any()
    np.testing.assert_array_equal(keypoints_from_slots(slots.reshape(-1)), kps)
    with pytest.raises(ValueError, match="nose"):
        keypoints_from_slots(np.zeros(48), [n for n in POSETRACK18_KEYPOINTS if n != "nose"])


def _pose(x, score=1.0):
    kps = np.column_stack([np.arange(15) * 2.0 + x, np.arange(15) * 3.0 + 7.25,
                           np.full(15, score)])
    kps[4, 2] = 0.3  # a weak joint (dropped with -r 0.5)
    return kps


@pytest.fixture
def tracked(tmp_path):
    """An OpenSVAI tracker output of 3 frames (one empty) and its PoseTrack'18 GT document."""
    folder = f"some/where/images/val/{VIDEO}"
    path = tmp_path / f"{VIDEO}.json"
    writer = OpenSVAIWriter(str(path))
    writer.write_frame(frame_to_dict(folder, "000000.jpg", 0, [
        Track(3, (10.5, 20, 40.5, 60), _pose(10)), Track(5, (100, 20, 130, 60), _pose(100))]))
    writer.write_frame(frame_to_dict(folder, "000001.jpg", 1, []))
    writer.write_frame(frame_to_dict(folder, "000002.jpg", 2, [Track(3, (12, 21, 42, 62), _pose(12))]))
    writer.close()
    gt = {"images": [{"file_name": f"images/val/{VIDEO}/{t:06d}.jpg", "id": 10000070000 + t,
                      "frame_id": 10000070000 + t, "vid_id": "000007", "is_labeled": True}
                     for t in range(3)],
          "annotations": [], "categories": [person_category()]}
    return read_opensvai(str(path)), gt


def test_image_path_rule(tracked):
    frames, _ = tracked
    assert image_path(frames[2]) == f"images/val/{VIDEO}/000002.jpg"


def test_posetrack17_round_trip(tracked, tmp_path):
    frames, gt = tracked
    doc = to_posetrack17(frames, gt, track=True)
    write_json(str(tmp_path / "p17.json"), doc)
    back = read_frames(tmp_path / "p17.json")  # the evaluator's reader
    assert [e["image"][0]["name"] for e in doc["annolist"]] == [i["file_name"] for i in gt["images"]]
    assert [[p.track_id for p in f.persons] for f in back] == [[3, 5], [], [3]]
    for entry, pframe, frame in zip(doc["annolist"], back, frames):
        cands = [c for c in frame.candidates if not c.is_placeholder]
        for rect, person, cand in zip(entry["annorect"], pframe.persons, cands):
            x, y, w, h = cand.box_xywh
            np.testing.assert_allclose(person.head_box, (x, y, x + w, y + h))
            np.testing.assert_allclose(person.keypoints, cand.keypoints[:, :2])
            np.testing.assert_allclose(person.scores, cand.keypoints[:, 2])
            assert rect["score"][0] == pytest.approx(cand.track_score)


def test_posetrack17_drops_joints_and_pose_mode(tracked):
    frames, gt = tracked
    rect = to_posetrack17(frames, gt, drop_thresh=0.5)["annolist"][0]["annorect"][1]
    assert [p["id"][0] for p in rect["annopoints"][0]["point"]] == [j for j in range(15) if j != 4]
    assert rect["track_id"] == [1] and rect["score"] == [0.0]  # pose mode: position in frame
    assert to_posetrack17(frames, gt, bbox_thresh=2.0)["annolist"][0]["annorect"] == []
    assert to_posetrack17(frames, gt, drop_thresh=1.0)["annolist"][0]["annorect"] == []  # no joint left


def test_posetrack18_round_trip_is_valid(tracked, tmp_path):
    frames, gt = tracked
    write_json(str(tmp_path / "p18.json"), to_posetrack18(frames, gt, track=True, drop_thresh=0.5))
    doc = read_posetrack18(str(tmp_path / "p18.json"))
    raw = json.loads((tmp_path / "p18.json").read_text())
    assert [img["id"] for img in raw["images"]] == [img["id"] for img in gt["images"]]
    assert all(type(a["image_id"]) is int and len(a["keypoints"]) == 51 and len(a["scores"]) == 17
               for a in raw["annotations"])
    assert raw["categories"] == [person_category()]
    people = annotations18(doc)
    ids = [img["id"] for img in gt["images"]]
    assert [[p.track_id for p in people[i]] for i in ids] == [[3, 5], [], [3]]
    cand = frames[0].candidates[1]
    person = people[ids[0]][1]
    np.testing.assert_allclose(person.box_xywh, cand.box_xywh)
    kept = np.arange(15) != 4
    np.testing.assert_allclose(person.keypoints[kept, :2], cand.keypoints[kept, :2])
    np.testing.assert_allclose(person.scores[kept], cand.keypoints[kept, 2])
    assert not person.keypoints[4].any() and person.scores[4] == 0  # dropped: (0, 0, 0)


def test_unknown_image_and_bad_files(tracked, tmp_path):
    frames, gt = tracked
    gt["images"] = gt["images"][1:]
    with pytest.raises(LightTrackError, match="000000.jpg is not in the ground truth"):
        to_posetrack18(frames, gt)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(LightTrackError, match="not valid JSON"):
        read_posetrack18(str(tmp_path / "bad.json"))
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(LightTrackError, match="not a PoseTrack'18 file"):
        read_posetrack18(str(tmp_path / "list.json"))
    with pytest.raises(LightTrackError, match="malformed"):
        read_frames(tmp_path / "list.json")


def test_convert_folder_needs_every_video(tracked, tmp_path):
    _, gt = tracked
    write_json(str(tmp_path / "gt" / f"{VIDEO}.json"), gt)
    with pytest.raises(LightTrackError, match="no tracker output"):
        convert_folder(str(tmp_path / "gt"), str(tmp_path / "none"), str(tmp_path / "out"))
    with pytest.raises(LightTrackError, match="GT folder not found"):
        convert_folder(str(tmp_path / "missing"), str(tmp_path), str(tmp_path / "out"))

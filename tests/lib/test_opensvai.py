"""OpenSVAI writer and reader (SPEC §2.2, §2.3)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.formats.opensvai import OpenSVAIWriter, frame_to_dict, read_opensvai
from lib.interfaces import RejectedDetection, Track
from lib.outputs import temporary_path


def person(track_id, x=10.0):
    kps = np.column_stack([np.arange(15) + x, np.arange(15) * 2.0, np.linspace(0.5, 1.5, 15)])
    return Track(track_id, np.float32([x, 20.5, x + 30, 60.5]), kps.astype(np.float32))


def test_round_trip(tmp_path):
    path = tmp_path / "out.json"
    writer = OpenSVAIWriter(str(path))
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00000.jpg", 0, [person(0), person(1, 50)]))
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00001.jpg", 1, []))
    rejected = [RejectedDetection(0, np.array([0., 0, 0, 0]))]
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00002.jpg", 2, [person(1)], rejected))
    writer.close()
    raw = json.loads(path.read_text())
    assert raw[0]["image"] == {"folder": "data/demo/clip", "name": "frame00000.jpg", "id": [0]}
    cand = raw[0]["candidates"][1]
    assert set(cand) == {"det_bbox", "det_score", "track_id", "track_score", "pose_keypoints_2d"}
    assert cand["det_score"] == 1 and cand["track_id"] == 1 and len(cand["pose_keypoints_2d"]) == 45
    assert cand["track_score"] == pytest.approx(1.0)  # mean joint score (published /135 fixed)
    assert raw[1]["candidates"] == [{"det_bbox": [0, 0, 2, 2], "det_score": 0}]
    frames = read_opensvai(str(path))
    assert [f.frame_id for f in frames] == [0, 1, 2]
    assert frames[1].candidates[0].is_placeholder and frames[2].candidates[0].is_placeholder
    assert frames[2].candidates[1].track_id == 1  # the rejected detection came first
    back = frames[0].candidates[1]
    assert back.track_id == 1
    np.testing.assert_allclose(back.box_xywh, [50, 20.5, 30, 40])
    np.testing.assert_allclose(back.keypoints, np.round(person(1, 50).keypoints.astype(float), 3))


def test_writer_places_or_drops_rejected_detections(tmp_path):
    """Placeholders go where the rejected detections were (published demos) or nowhere
    (published PoseTrack scripts); published boxes are truncated xywh."""
    from lib.interfaces import FrameResult
    from lib.runner import Frame
    result = FrameResult(3, True, [person(4), person(5, 60.7)],
                         [RejectedDetection(1, np.zeros(4)), RejectedDetection(3, np.zeros(4))])
    for placeholders, expected in ((True, [4, None, 5, None]), (False, [4, 5])):
        path = tmp_path / f"{placeholders}.json"
        writer = OpenSVAIWriter(str(path), placeholders=placeholders)
        writer.write(Frame(3, np.zeros((4, 4, 3), np.uint8), "f", "3.jpg"), result)
        writer.close()
        candidates = json.loads(path.read_text())[0]["candidates"]
        assert [c.get("track_id") for c in candidates] == expected
    assert candidates[1]["det_bbox"] == pytest.approx([60.7, 20.5, 30, 40])  # int(90.7) - int(60.7)
    assert candidates[1]["det_bbox"][2:] == [30, 40]


def test_reader_accepts_detection_files(tmp_path):
    path = tmp_path / "dets.json"
    path.write_text(json.dumps([{"image": {"folder": "images/val/v", "name": "000000.jpg", "id": 0},
                                 "candidates": [{"det_bbox": [1, 2, 3, 4], "det_score": 0.7}]}]))
    frame = read_opensvai(str(path))[0]
    assert frame.frame_id == 0 and frame.candidates[0].det_score == 0.7
    assert frame.candidates[0].keypoints is None and frame.candidates[0].track_id is None


@pytest.mark.parametrize("text,match", [("[{", "not valid JSON"), ('{"a": 1}', "JSON list"),
                                        ('[{"image": {}}]', "malformed")])
def test_reader_errors_name_the_file(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(LightTrackError, match=match):
        read_opensvai(str(path))
    with pytest.raises(LightTrackError, match="not found"):
        read_opensvai(str(tmp_path / "missing.json"))


def test_file_killed_midway_still_parses(tmp_path):
    path = tmp_path / "killed.json"
    code = f"""
import os, signal, numpy as np
from lib.formats.opensvai import OpenSVAIWriter, frame_to_dict
from lib.interfaces import Track
w = OpenSVAIWriter({str(path)!r})
for i in range(3):
    w.write_frame(frame_to_dict("f", f"{{i}}.jpg", i,
                  [Track(i, np.array([1., 2, 4, 6]), np.ones((15, 3)))]))
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert proc.returncode != 0
    assert not path.exists()  # never renamed: the run did not end
    frames = json.loads(open(temporary_path(str(path))).read())  # still valid while running
    assert [f["image"]["id"] for f in frames] == [[0], [1], [2]]

"""OpenSVAI writer and reader (SPEC §2.2, §2.3)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.formats.opensvai import OpenSVAIWriter, frame_to_dict, read_opensvai
from lib.interfaces import Person
from lib.outputs import temporary_path


def person(track_id, x=10.0):
    kps = np.column_stack([np.arange(15) + x, np.arange(15) * 2.0, np.linspace(0.5, 1.5, 15)])
    return Person(np.float32([x, 20.5, 30, 40]), kps.astype(np.float32), track_id)


def test_round_trip(tmp_path):
    path = tmp_path / "out.json"
    writer = OpenSVAIWriter(str(path))
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00000.jpg", 0, [person(0), person(1, 50)]))
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00001.jpg", 1, []))
    writer.write_frame(frame_to_dict("data/demo/clip", "frame00002.jpg", 2,
                                     [Person(np.array([0., 0, 0, 0]), None, None), person(1)]))
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
    back = frames[0].candidates[1]
    assert back.track_id == 1
    np.testing.assert_allclose(back.box_xywh, [50, 20.5, 30, 40])
    np.testing.assert_allclose(back.keypoints, np.round(person(1, 50).keypoints.astype(float), 3))


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
from lib.interfaces import Person
w = OpenSVAIWriter({str(path)!r})
for i in range(3):
    w.write_frame(frame_to_dict("f", f"{{i}}.jpg", i,
                  [Person(np.array([1., 2, 3, 4]), np.ones((15, 3)), i)]))
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert proc.returncode != 0
    assert not path.exists()  # never renamed: the run did not end
    frames = json.loads(open(temporary_path(str(path))).read())  # still valid while running
    assert [f["image"]["id"] for f in frames] == [[0], [1], [2]]

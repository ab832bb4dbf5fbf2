"""The video and camera demos end to end on the real default models and the sample clip."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import demo_camera_mobile
import demo_video_mobile
from lib.cli import run_main
from lib.geometry import iou_matrix, xywh_to_xyxy
from lib.joints import TRACK_COLORS
from lib.outputs import temporary_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "demo" / "sample.mp4"
TRUTH = ROOT / "data" / "demo" / "sample_truth.json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One run of the video demo on the whole sample clip with the demos' detector and matcher,
    float MoveNet thunder and the published association (the id checks below; the memory
    association, the demos' default, gives one person a third id for a while where the two
    photos overlap completely, and is tested with scripted fakes in
    tests/lib/test_tracker_memory.py and on the real-pixel set by make eval-real). With the
    demos' thunder-int8 the published association splits ids here (two for each person after
    the crossing, two for the cameraman before it)."""
    if not SAMPLE.exists():
        subprocess.run([sys.executable, "-m", "data.demo.make_sample"], cwd=ROOT, check=True)
    out = tmp_path_factory.mktemp("demo")
    assert demo_video_mobile.main(["--video", str(SAMPLE), "--output", str(out),
                                   "--export", "csv", "--no-display",
                                   "--association", "published",
                                   "--pose", "movenet-thunder"]) == 0
    return out


def test_each_person_keeps_one_id(sample_run):
    """Each person keeps one id before the crossing and one after it; the two people's ids
    never mix and no other id seen while they are apart outlives a keyframe interval.

    The ids may change across the crossing: the default (nanodet + MoveNet thunder) loses the
    pasted crouching cameraman and the waist-up portrait while their rectangles overlap (about
    110 frames) and re-detects them with new ids; ssdlite + blazepose kept one id each across
    it on this clip, but switches ids more on real pixels (README "Choosing the default").
    """
    frames = json.loads((sample_run / "jsons" / "sample.json").read_text())
    truth = json.loads(TRUTH.read_text())
    assert len(frames) == truth["num_frames"] == 250
    people = truth["people_back_to_front"]
    ids_of = {(person["name"], side): set() for person in people for side in ("before", "after")}
    frames_of, seen_apart, matched, apart, side = {}, set(), 0, 0, "before"
    for t, frame in enumerate(frames):
        assert frame["image"]["id"] == [t]
        tracked = [c for c in frame["candidates"] if c.get("track_id") is not None]
        assert len({c["track_id"] for c in tracked}) == len(tracked)  # no id twice in a frame
        for candidate in tracked:
            frames_of.setdefault(candidate["track_id"], []).append(t)
        truth_boxes = [p["boxes_xyxy"][t] for p in people]
        if iou_matrix(truth_boxes, truth_boxes)[0, 1] > 0:
            side = "after"
            continue  # while they overlap, which box is whose is ambiguous: ids are checked after
        apart += 1
        seen_apart.update(c["track_id"] for c in tracked)
        boxes = np.array([xywh_to_xyxy(c["det_bbox"]) for c in tracked]).reshape(-1, 4)
        overlap = iou_matrix(truth_boxes, boxes)
        for row, col in zip(*linear_sum_assignment(-overlap)):  # one track per person
            if overlap[row, col] > 0.3:
                ids_of[people[row]["name"], side].add(tracked[col]["track_id"])
                matched += 1
    # both tracked in nearly every frame apart (thunder misses the cameraman for about 12
    # frames after the crossing, until the next detection finds him crouched behind the portrait)
    assert apart > 100 and matched > 0.85 * 2 * apart
    assert all(len(ids) == 1 for ids in ids_of.values()), ids_of  # one id per person and side
    first, second = ({i for (name, _), ids in ids_of.items() if name == p["name"] for i in ids}
                     for p in people)
    assert not first & second  # no id ever passes from one person to the other
    # an id seen while the two are apart that is neither's (a box on a part or on nobody) dies
    # within a keyframe interval; ids seen only during the crossing cannot be told apart
    for track_id in seen_apart - first - second:
        assert len(frames_of[track_id]) < 40, (track_id, frames_of[track_id])


def test_rendered_video_has_every_frame(sample_run):
    capture = cv2.VideoCapture(str(sample_run / "videos" / "sample_out.mp4"))
    assert capture.isOpened()
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 250
    ok, image = capture.read()
    assert ok and image.shape == (360, 640, 3)


def test_csv_has_the_json_persons_and_the_charts_are_written(sample_run):
    frames = json.loads((sample_run / "jsons" / "sample.json").read_text())
    with open(sample_run / "csv" / "sample.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows[0]) == 6 + 15 * 3 and list(rows[0])[:6] == ["frame", "track_id", "x1", "y1",
                                                                 "x2", "y2"]
    from_json = sorted((f["image"]["id"][0], c["track_id"], *xywh_to_xyxy(c["det_bbox"]),
                        *c["pose_keypoints_2d"])
                       for f in frames for c in f["candidates"] if c.get("track_id") is not None)
    from_csv = sorted((int(r["frame"]), int(r["track_id"]), *map(float, list(r.values())[2:]))
                      for r in rows)
    assert [row[:2] for row in from_csv] == [row[:2] for row in from_json]  # same ids per frame
    # the CSV keeps the float box; the JSON's is the published whole-pixel xywh box
    np.testing.assert_allclose([row[2:6] for row in from_csv], [row[2:6] for row in from_json],
                               atol=2.0)
    np.testing.assert_allclose([row[6:] for row in from_csv], [row[6:] for row in from_json],
                               atol=2e-3)
    timing = cv2.imread(str(sample_run / "stats" / "sample_timing.png"))
    tracks = cv2.imread(str(sample_run / "stats" / "sample_tracks.png"))
    ids = {c["track_id"] for f in frames for c in f["candidates"] if c.get("track_id") is not None}
    rows = min(max(len(ids) - 10, 0), 60)  # the tracks chart grows 20 px per id beyond 10
    assert timing.shape == (400, 1000, 3) and tracks.shape == (400 + 20 * rows, 1000, 3)
    lives = {i: sum(c.get("track_id") == i for f in frames for c in f["candidates"]) for i in ids}
    for track_id in ids:  # one bar per id, in the id's drawing colour, as long as the id lives
        pixels = np.all(tracks == TRACK_COLORS[track_id % len(TRACK_COLORS)], axis=2).sum()
        # about 70 pixels per frame of life (a bar about 20 px high, 4 px a frame), 38 for one
        assert pixels > 20 * lives[track_id], (track_id, lives[track_id])


def test_max_frames_and_camera_demo_on_a_file(tmp_path, capsys):
    assert demo_camera_mobile.main(["--camera", str(SAMPLE), "--no-display", "--max-frames", "12",
                                    "--output", str(tmp_path), "--matcher", "oks"]) == 0
    assert "total_num_FRAMES: 12" in capsys.readouterr().out
    frames = json.loads((tmp_path / "jsons" / "sample.json").read_text())
    assert len(frames) == 12
    capture = cv2.VideoCapture(str(tmp_path / "videos" / "sample_out.mp4"))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 12


def write_video(path, frames):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (320, 240))
    for image in frames:
        writer.write(image)
    writer.release()


def test_black_video_gives_a_valid_empty_result(tmp_path):
    video = tmp_path / "black.mp4"
    write_video(video, [np.zeros((240, 320, 3), np.uint8)] * 8)
    assert demo_video_mobile.main(["--video", str(video), "--output", str(tmp_path)]) == 0
    frames = json.loads((tmp_path / "jsons" / "black.json").read_text())
    assert len(frames) == 8
    assert all(f["candidates"] == [{"det_bbox": [0, 0, 2, 2], "det_score": 0}] for f in frames)


def error_line(capsys, argv):
    code = run_main(lambda: demo_video_mobile.main(argv))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def test_bad_input_gives_one_clear_line(tmp_path, capsys):
    assert "not found" in error_line(capsys, ["--video", str(tmp_path / "missing.mp4")])
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 50)
    assert "notes.mp4" in error_line(capsys, ["--video", str(text)])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert "empty" in error_line(capsys, ["--video", str(empty)])
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert "output folder" in error_line(capsys, ["--video", str(SAMPLE), "--output",
                                                  str(blocker / "out")])
    line = error_line(capsys, ["--video", str(SAMPLE), "--pose-weights", str(tmp_path / "x.tflite")])
    assert "make weights" in line
    corrupt = tmp_path / "corrupt.pb"
    corrupt.write_bytes(b"\x00garbage" * 100)
    assert "make weights" in error_line(capsys, ["--video", str(SAMPLE), "--detector-weights",
                                                 str(corrupt)])


def test_ctrl_c_keeps_a_valid_json_of_the_frames_done(tmp_path):
    proc = subprocess.Popen([sys.executable, "demo_video_mobile.py", "--video", str(SAMPLE),
                             "--output", str(tmp_path), "--matcher", "oks"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    path = tmp_path / "jsons" / "sample.json"
    partial = Path(temporary_path(str(path)))  # the name while running
    while proc.poll() is None and (not partial.exists() or partial.stat().st_size < 2000):
        time.sleep(0.05)
    assert proc.poll() is None, "the demo ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    frames = json.loads(path.read_text())
    assert 0 < len(frames) < 250
    assert [f["image"]["id"][0] for f in frames] == list(range(len(frames)))
    assert int(cv2.VideoCapture(str(tmp_path / "videos" / "sample_out.mp4"))
               .get(cv2.CAP_PROP_FRAME_COUNT)) == len(frames)


def test_demos_default_to_the_memory_association_and_posetrack_scripts_to_published():
    import demo_camera_mobile
    import process_posetrack18_with_lighttrack_MSRA152 as posetrack_script
    import track_videos
    assert demo_video_mobile.parse_args(["--video", "x.mp4"]).association == "memory"
    assert demo_camera_mobile.parse_args([]).association == "memory"
    assert track_videos.parse_args(["x.mp4"]).association == "memory"
    assert posetrack_script.parse_args([]).association == "published"

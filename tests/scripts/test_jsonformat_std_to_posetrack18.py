"""jsonformat_std_to_posetrack18.py through its command line: bad options, malformed tracker
output (null track id, non-number score, 14 or 16 joints), lock and full disk; every file
written is strict JSON."""
import json
import shutil

import pytest

from lib.outputs import OutputLock
from tests.conftest import TINY_VIDEOS
from tests.scripts.run import assert_one_line, file_size_limit, leftovers, run, strict_json

SCRIPT = "jsonformat_std_to_posetrack18.py"


@pytest.fixture(scope="module")
def tracked(tiny_posetrack, tmp_path_factory):
    """Tracker output of the tiny set (oracle poses)."""
    output = tmp_path_factory.mktemp("tracked")
    proc = run("process_posetrack18_with_lighttrack_MSRA152.py", "--data-root", tiny_posetrack,
               "--output", output, "--pose", "oracle", "--matcher", "none", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return output


def convert(gt, tracked, output, *extra, **kwargs):
    return run(SCRIPT, "--gt", gt, "--input", tracked, "--output", output, *extra, **kwargs)


def gt_dir(tiny_posetrack):
    return tiny_posetrack / "annotations" / "val"


def edited_copy(tracked, tmp_path, edit):
    """A copy of the tracker output whose first video's first person is changed by ``edit``."""
    copy = tmp_path / "edited"
    shutil.copytree(tracked, copy)
    path = copy / f"{TINY_VIDEOS[0]}.json"
    frames = json.loads(path.read_text())
    person = next(c for f in frames for c in f["candidates"] if "pose_keypoints_2d" in c)
    edit(person)
    path.write_text(json.dumps(frames))
    return copy


@pytest.mark.parametrize("extra, words", [
    (["-e", "nan"], ["--bbox_thresh", "finite"]), (["-e", "1.5"], ["--bbox_thresh", "[0, 1]"]),
    (["-r", "-0.1"], ["--drop_thresh", "[0, 1]"]), (["-f", "19"], ["--format", "invalid choice"]),
])
def test_bad_options_are_refused_by_the_parser(tiny_posetrack, tracked, tmp_path, extra, words):
    assert_one_line(convert(gt_dir(tiny_posetrack), tracked, tmp_path / "out", *extra), 2, *words)


def test_missing_folders_and_an_output_that_is_a_file(tiny_posetrack, tracked, tmp_path):
    (tmp_path / "a_file").write_text("")
    gt = gt_dir(tiny_posetrack)
    assert_one_line(convert(tmp_path / "no_gt", tracked, tmp_path / "o"), 1, "GT folder not found")
    assert_one_line(convert(gt, tmp_path / "no_input", tmp_path / "o"), 1, "no tracker output")
    assert_one_line(convert(gt, tracked, tmp_path / "a_file"), 1, "a_file", "is a file")


@pytest.mark.parametrize("edit, words", [
    (lambda p: p.update(track_score="high"), ["malformed OpenSVAI frame", "high"]),
    (lambda p: p.update(pose_keypoints_2d=p["pose_keypoints_2d"][:42]), ["42 values", "45"]),
    (lambda p: p.update(pose_keypoints_2d=p["pose_keypoints_2d"] + [1, 2, 3]), ["48 values"]),
    (lambda p: p.update(track_id=None), ["without a track_id", "-m pose"]),
])
def test_malformed_tracker_output_is_named(tiny_posetrack, tracked, tmp_path, edit, words):
    edited = edited_copy(tracked, tmp_path, edit)
    proc = convert(gt_dir(tiny_posetrack), edited, tmp_path / "out", "-m", "track")
    assert_one_line(proc, 1, f"{TINY_VIDEOS[0]}.json", *words)
    assert leftovers(tmp_path / "out") == []


def test_null_track_id_converts_in_pose_mode_and_nan_becomes_null(tiny_posetrack, tracked,
                                                                   tmp_path):
    def edit(person):
        person["track_id"] = None
        person["pose_keypoints_2d"][0] = float("nan")  # json.dumps writes a bare NaN
    edited = edited_copy(tracked, tmp_path, edit)
    for fmt in ("17", "18"):
        output = tmp_path / f"out{fmt}"
        proc = convert(gt_dir(tiny_posetrack), edited, output, "-m", "pose", "-f", fmt)
        assert proc.returncode == 0, proc.stderr
        documents = [strict_json(output / f"{v}.json") for v in TINY_VIDEOS]
        assert "null" in (output / f"{TINY_VIDEOS[0]}.json").read_text() and documents


def test_lock_and_full_disk(tiny_posetrack, tracked, tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    with OutputLock(str(output)):
        assert_one_line(convert(gt_dir(tiny_posetrack), tracked, output), 1, "another run")
    proc = convert(gt_dir(tiny_posetrack), tracked, output, preexec_fn=file_size_limit(2000))
    assert_one_line(proc, 1, "cannot write", TINY_VIDEOS[0], "File too large")
    assert list(output.iterdir()) == []  # nothing half-written, no lock left

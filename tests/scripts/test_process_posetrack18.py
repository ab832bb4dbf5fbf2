"""process_posetrack18_with_lighttrack_MSRA152.py through its command line: bad options and
files named before any model loads, a lock, a full disk and SIGTERM leave only whole files."""
import shutil
import signal
import time

import pytest

from lib.outputs import OutputLock, temporary_path
from tests.conftest import TINY_VIDEOS
from tests.scripts.run import assert_one_line, file_size_limit, leftovers, run, start, strict_json

SCRIPT = "process_posetrack18_with_lighttrack_MSRA152.py"
ORACLE = ["--pose", "oracle", "--matcher", "none", "--quiet"]
SERIAL = ["--workers", "0"]  # in the script's process: file-size limits and the scripted
                             # components do not reach Ray's worker processes


def process(data_root, output, *extra, fakes=False, **kwargs):
    return run(SCRIPT, "--data-root", data_root, "--output", output, *ORACLE, *extra,
               fakes=fakes, **kwargs)


def finished(output) -> list[str]:
    """Names of the finished videos in ``output``; each must parse as strict JSON."""
    names = sorted(p.name for p in output.glob("*.json") if ".partial" not in p.name)
    for name in names:
        assert strict_json(output / name)
    return names


@pytest.mark.parametrize("extra, words", [
    (["--keyframe-interval", "0"], ["--keyframe-interval", ">= 1"]),
    (["--oracle-noise", "-1"], ["--oracle-noise", ">= 0"]),
    (["--oracle-noise", "nan"], ["--oracle-noise", "finite"]),
    (["--pose-matching-threshold", "nan"], ["--pose-matching-threshold", "finite"]),
])
def test_bad_numbers_are_refused_by_the_parser(tiny_posetrack, tmp_path, extra, words):
    assert_one_line(process(tiny_posetrack, tmp_path / "out", *extra), 2, *words)


def test_bad_files_are_named_before_any_model_loads(tiny_posetrack, tmp_path):
    (tmp_path / "a_file").write_text("")
    msra = ["--pose", "msra152", "--matcher", "none"]
    cases = [(["--data-root", tmp_path / "nothing"], "folder not found"),
             (["--output", tmp_path / "a_file"], "is a file"),
             ([*msra, "--model", tmp_path / "none.ckpt"], "--model"),
             ([*msra, "--pose-weights", tmp_path / "none.ckpt"], "--pose-weights"),
             (["--matcher", "sgcn", "--matcher-weights", tmp_path / "none.pt"], "--matcher-weights")]
    for extra, word in cases:
        proc = process(tiny_posetrack, tmp_path / "out", *extra)
        assert_one_line(proc, 1, "error:", word)
        assert "tensorflow" not in proc.stderr.lower()


@pytest.mark.parametrize("candidate, words", [
    ("[{broken", ["not valid JSON"]),
    ('[{"image": {"folder": "f", "name": "n", "id": 0}, "candidates": [{"det_bbox": [1, 2, 3], '
     '"det_score": 1}]}]', ["malformed OpenSVAI frame at position 0"]),
    ('[{"image": {"folder": "f", "name": "n", "id": 0}, "candidates": [{"det_bbox": [1, 2, 3, 4], '
     '"det_score": "high"}]}]', ["malformed OpenSVAI frame", "high"]),
    ('{"frames": []}', ["JSON list of frames"]),
])
def test_malformed_detection_files_are_named(tiny_posetrack, tmp_path, candidate, words):
    root = tmp_path / "root"
    shutil.copytree(tiny_posetrack, root)
    (root / "detections_openSVAI" / f"{TINY_VIDEOS[0]}.json").write_text(candidate)
    proc = process(root, tmp_path / "out")
    assert_one_line(proc, 1, f"{TINY_VIDEOS[0]}.json", *words)
    assert finished(tmp_path / "out") == [] and leftovers(tmp_path / "out") == []


def test_a_clean_run_then_a_locked_output(tiny_posetrack, tmp_path):
    output = tmp_path / "out"
    assert process(tiny_posetrack, output).returncode == 0
    assert finished(output) == [f"{v}.json" for v in TINY_VIDEOS] and leftovers(output) == []
    with OutputLock(str(output)):
        assert_one_line(process(tiny_posetrack, output), 1, "another run is writing")


def test_a_full_disk_keeps_only_whole_files(tiny_posetrack, tmp_path):
    output = tmp_path / "out"
    size = (tiny_posetrack / "detections_openSVAI" / f"{TINY_VIDEOS[0]}.json").stat().st_size
    proc = process(tiny_posetrack, output, *SERIAL, preexec_fn=file_size_limit(size // 2))
    assert_one_line(proc, 1, "cannot write", TINY_VIDEOS[0], "File too large")
    assert finished(output) == []
    partial = output / f"{TINY_VIDEOS[0]}.json.partial"  # the unfinished video, still valid
    assert 1 <= len(strict_json(partial)) < 12
    assert not (output / temporary_path(partial.name)).exists()


def test_sigterm_keeps_finished_videos_and_resumes(tiny_posetrack, tmp_path):
    output = tmp_path / "out"
    proc = start(SCRIPT, "--data-root", tiny_posetrack, "--output", output, "--quiet",
                 "--pose", "scripted", "--matcher", "none", *SERIAL, fakes=True,
                 env={"FAKE_POSE_SECONDS": "0.1"})
    while proc.poll() is None and not list(output.glob("*.partial*")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in stderr, stderr
    assert len(finished(output)) < len(TINY_VIDEOS)
    assert not list(output.glob("*.lock")) and not (output / ".lock").exists()
    rerun = process(tiny_posetrack, output, "--pose", "scripted", *SERIAL, fakes=True)
    assert rerun.returncode == 0, rerun.stderr
    assert finished(output) == [f"{v}.json" for v in TINY_VIDEOS]

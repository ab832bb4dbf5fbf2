"""replicate_ablations.py through its command line: bad options and folders named before any
model loads, a locked or full work folder, SIGTERM."""
import signal
import time

import pytest

from lib.outputs import OutputLock
from tests.scripts.run import assert_one_line, file_size_limit, message_lines, run, start

SCRIPT = "replicate_ablations.py"
ORACLE = ["--pose", "oracle", "--matcher", "none"]
SERIAL = ["--workers", "0"]  # in the script's process: file-size limits and the scripted
                             # components do not reach Ray's worker processes


def ablations(data_root, work_dir, *extra, **kwargs):
    return run(SCRIPT, "--data-root", data_root, "--work-dir", work_dir, *ORACLE, *extra, **kwargs)


@pytest.mark.parametrize("extra, words", [
    (["--keyframe-intervals", "2", "0"], ["--keyframe-intervals", ">= 1"]),
    (["--videos", "0"], ["--videos", ">= 1"]), (["--frames", "-1"], ["--frames", ">= 1"]),
    (["--oracle-noise", "nan"], ["--oracle-noise", "finite"]),
    (["--format", "16"], ["--format", "invalid choice"]),
])
def test_bad_numbers_are_refused_by_the_parser(tiny_posetrack, tmp_path, extra, words):
    assert_one_line(ablations(tiny_posetrack, tmp_path / "work", *extra), 2, *words)


def test_bad_folders_and_files_are_named_first(tiny_posetrack, tmp_path):
    (tmp_path / "a_file").write_text("")
    cases = [((tmp_path / "nothing", tmp_path / "work"), [], "folder not found"),
             ((tiny_posetrack, tmp_path / "a_file"), [], "is a file"),
             ((tiny_posetrack, tmp_path / "work"), ["--matcher", "sgcn", "--matcher-weights",
                                                    tmp_path / "none.pt"], "--matcher-weights")]
    for (root, work), extra, word in cases:
        assert_one_line(ablations(root, work, *extra), 1, "error:", word)


def test_locked_or_full_work_folder(tiny_posetrack, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    with OutputLock(str(work)):
        assert_one_line(ablations(tiny_posetrack, work), 1, "another run is writing")
    proc = ablations(tiny_posetrack, work, *SERIAL, preexec_fn=file_size_limit(3000))
    assert_one_line(proc, 1, "cannot write", "File too large")
    assert not (work / ".lock").exists()


def test_sigterm_ends_the_run_with_143(tiny_posetrack, tmp_path):
    work = tmp_path / "work"
    proc = start(SCRIPT, "--data-root", tiny_posetrack, "--work-dir", work, "--pose", "scripted",
                 "--matcher", "none", *SERIAL, fakes=True, env={"FAKE_POSE_SECONDS": "0.1"})
    while proc.poll() is None and not list(work.rglob("*.partial*")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in stderr, stderr
    assert len(message_lines(stderr)) == 1

"""demo_camera_mobile.py through its command line: bad options and sources, a damaged file
source, SIGTERM; the JSON and mp4 left behind are valid and agree."""
import signal

import pytest

from tests.scripts.run import assert_one_line, message_lines, run, start
from tests.scripts.videos import (FAKE_COMPONENTS, assert_valid_outputs, damage_middle, outputs,
                                  wait_for_frames, write_video)

SCRIPT = "demo_camera_mobile.py"


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", 30)


def camera(source, output, *extra, **kwargs):
    return run(SCRIPT, "--camera", source, "--output", output, "--no-display", *FAKE_COMPONENTS,
               *extra, fakes=True, **kwargs)


@pytest.mark.parametrize("extra, code, words", [
    (["--max-frames", "0"], 2, ["--max-frames", ">= 1"]),
    (["--keyframe-interval", "-1"], 2, ["--keyframe-interval", ">= 1"]),
    (["--detector-thresh", "-0.5"], 2, ["--detector-thresh", "[0, 1]"]),
    (["--camera", "no_such_clip.mp4"], 1, ["video not found"]),
    (["--camera", "97"], 1, ["cannot open video source 97"]),
])
def test_bad_options_and_sources(clip, tmp_path, extra, code, words):
    proc = camera(clip, tmp_path / "out", *extra)
    assert_one_line(proc, code, *words)


def test_a_file_source_runs_to_its_end(clip, tmp_path):
    proc = camera(clip, tmp_path / "out")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert assert_valid_outputs(tmp_path / "out") == 30


def test_a_damaged_file_source_is_read_past_with_a_warning(clip, tmp_path):
    damaged = damage_middle(clip, tmp_path / "clip.mp4")
    proc = camera(damaged, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    lines = message_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("warning:") and "skipped" in lines[0]
    assert assert_valid_outputs(tmp_path / "out") > 15


def test_sigterm_finalises_the_outputs(clip, tmp_path):
    output = tmp_path / "out"
    proc = start(SCRIPT, "--camera", clip, "--output", output, "--no-display",
                 *FAKE_COMPONENTS, fakes=True, env={"FAKE_POSE_SECONDS": "0.2"})
    wait_for_frames(proc, outputs(output)[0])
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in stderr, stderr
    assert 1 <= assert_valid_outputs(output) < 30

"""demo_video_mobile.py through its command line: bad options, bad videos, full disk, signals,
a second run on the same outputs; the JSON and mp4 left behind are valid and agree."""
import signal

import pytest

from lib.outputs import OutputLock
from tests.scripts.run import (assert_one_line, file_size_limit, leftovers, message_lines, run,
                               start, strict_json)
from tests.scripts.videos import (FAKE_COMPONENTS as FAKE, assert_valid_outputs, damage_middle,
                                  outputs, wait_for_frames, write_video)

SCRIPT = "demo_video_mobile.py"


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", 40)


def demo(video, output, *extra, **kwargs):
    return run(SCRIPT, "--video", video, "--output", output, *FAKE, *extra, fakes=True, **kwargs)


@pytest.mark.parametrize("option, value, words", [
    ("--max-frames", "0", ["--max-frames", ">= 1"]),
    ("--max-frames", "-3", ["--max-frames", ">= 1"]),
    ("--keyframe-interval", "0", ["--keyframe-interval", ">= 1"]),
    ("--keyframe-interval", "x", ["--keyframe-interval", "not an integer"]),
    ("--detector-thresh", "nan", ["--detector-thresh", "finite"]),
    ("--detector-thresh", "1.5", ["--detector-thresh", "[0, 1]"]),
    ("--pose-matching-threshold", "inf", ["--pose-matching-threshold", "finite"]),
])
def test_bad_numbers_are_refused_by_the_parser(clip, tmp_path, option, value, words):
    proc = demo(clip, tmp_path / "out", option, value)
    assert_one_line(proc, 2, *words)
    assert not (tmp_path / "out").exists()


def test_bad_files_are_named_before_any_model_loads(clip, tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("not a video\n")
    (tmp_path / "a_file").write_text("")
    cases = [(["--video", tmp_path / "missing.mp4"], "video not found"),
             (["--video", tmp_path / "empty.mp4"], "0 bytes"),
             (["--video", tmp_path / "text.mp4"], "text.mp4"),
             (["--output", tmp_path / "a_file"], "a_file"),
             # real components: the file check comes before TensorFlow or torch is imported
             (["--pose", "blazepose", "--pose-weights", tmp_path / "none.tflite"],
              "--pose-weights"),
             (["--matcher", "sgcn", "--matcher-weights", tmp_path], "--matcher-weights")]
    for extra, word in cases:
        args = ["--video", clip, "--output", tmp_path / "out", *FAKE, *extra]
        proc = run(SCRIPT, *args, fakes=True)
        assert_one_line(proc, 1, "error:", word)


def test_non_finite_sgcn_weights_are_rejected(clip, tmp_path):
    import torch

    from graph.model import SGCN
    state = {k: torch.full_like(v, float("nan")) if v.is_floating_point() else v
             for k, v in SGCN().state_dict().items()}
    torch.save(state, tmp_path / "nan.pt")
    proc = demo(clip, tmp_path / "out", "--matcher", "sgcn", "--matcher-weights", tmp_path / "nan.pt")
    assert_one_line(proc, 1, "nan.pt", "NaN")


def test_a_clean_run_prints_wrote_and_leaves_agreeing_outputs(clip, tmp_path):
    proc = demo(clip, tmp_path / "out")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "wrote" in proc.stdout and "clip_out.mp4" in proc.stdout
    assert assert_valid_outputs(tmp_path / "out") == 40


def test_a_video_damaged_midway_is_read_past_and_reported(clip, tmp_path):
    damaged = damage_middle(clip, tmp_path / "clip.mp4")
    proc = demo(damaged, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in message_lines(proc.stderr) if line.startswith("warning:")]
    assert len(warnings) == 1 and "of the 40 frames" in warnings[0], proc.stderr
    written = assert_valid_outputs(tmp_path / "out")
    skipped = int(warnings[0].split(": ")[-1].split()[0])
    assert written == int(warnings[0].split("clip: ")[1].split()[0])
    assert skipped >= 1 and written + skipped >= 40 - 2  # read past the damage, not cut at it
    assert written > 20  # frames after the damaged middle were decoded


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                          (signal.SIGINT, 130)])
def test_signals_end_the_run_with_finalised_outputs(clip, tmp_path, signum, code):
    output = tmp_path / "out"
    proc = start(SCRIPT, "--video", clip, "--output", output, *FAKE, fakes=True,
                 env={"FAKE_POSE_SECONDS": "0.2"})
    wait_for_frames(proc, outputs(output)[0])
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and len(message_lines(stderr)) == 1
    assert 1 <= assert_valid_outputs(output) < 40


def test_a_second_run_on_the_same_outputs_is_refused(clip, tmp_path):
    output = tmp_path / "out"
    outputs(output)[0].parent.mkdir(parents=True)
    with OutputLock(str(outputs(output)[0])):  # what a running demo holds
        proc = demo(clip, output)
    assert_one_line(proc, 1, "another run is writing", "clip.json")
    assert not outputs(output)[0].exists()
    assert demo(clip, output).returncode == 0  # the lock is gone with its holder


def test_a_full_disk_stops_the_run_naming_the_file(clip, tmp_path):
    output = tmp_path / "out"
    proc = demo(clip, output, "--no-visualize", preexec_fn=file_size_limit(4000))
    assert_one_line(proc, 1, "cannot write", "clip.json", "File too large")
    frames = strict_json(outputs(output)[0])  # cut back to its last complete frame
    assert 1 <= len(frames) < 40
    assert leftovers(output) == []


def test_an_unwritable_video_is_an_error_not_a_wrote_line(clip, tmp_path):
    output = tmp_path / "out"
    proc = demo(clip, output, preexec_fn=file_size_limit(60000))  # JSON fits, the mp4 not
    line = assert_one_line(proc, 1, "cannot write video", "clip_out.mp4")
    assert "wrote" not in proc.stdout, line
    assert not outputs(output)[1].exists() and leftovers(output) == []
    assert len(strict_json(outputs(output)[0])) == 40


def test_a_video_writer_that_cannot_open_is_an_error(clip, tmp_path):
    output = tmp_path / "out"
    (output / "videos" / "clip_out.partial.mp4").mkdir(parents=True)  # blocks the writer
    proc = demo(clip, output)
    assert_one_line(proc, 1, "cannot write video", "clip_out.mp4")
    assert "wrote" not in proc.stdout

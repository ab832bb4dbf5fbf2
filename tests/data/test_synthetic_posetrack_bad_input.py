"""data/synthetic_posetrack.py through its command line: sizes, counts and rates out of range,
an output that is a file, locked or full; whatever is written is whole, strict JSON."""
import pytest

from lib.outputs import OutputLock
from tests.scripts.run import assert_one_line, file_size_limit, leftovers, run, strict_json

GENERATOR = ["-m", "data.synthetic_posetrack"]


def generate(out, *extra, **kwargs):
    return run(*GENERATOR, "--out", out, "--videos", "1", "--frames", "3", *extra, **kwargs)


@pytest.mark.parametrize("extra, words", [
    (["--width", "0"], ["--width", ">= 1"]), (["--height", "-5"], ["--height", ">= 1"]),
    (["--miss-rate", "-0.1"], ["--miss-rate", "[0, 1]"]), (["--miss-rate", "2"], ["[0, 1]"]),
    (["--false-positive-rate", "-1"], ["--false-positive-rate", ">= 0"]),
    (["--box-jitter", "nan"], ["--box-jitter", "finite"]),
    (["--videos", "0"], ["--videos", ">= 1"]), (["--frames", "0"], ["--frames", ">= 1"]),
    (["--seed", "-1"], ["--seed", ">= 0"]), (["--width", "1.5"], ["not an integer"]),
])
def test_bad_values_are_refused_by_the_parser(tmp_path, extra, words):
    assert_one_line(generate(tmp_path / "out", *extra), 2, *words)
    assert not (tmp_path / "out").exists()


def test_small_frames_work_and_files_are_strict_json(tmp_path):
    proc = generate(tmp_path / "out", "--width", "8", "--height", "8")
    assert proc.returncode == 0, proc.stderr
    files = list((tmp_path / "out").rglob("*.json"))
    assert len(files) == 3 and all(strict_json(f) is not None for f in files)
    assert leftovers(tmp_path / "out") == []


def test_output_that_is_a_file_locked_or_full(tmp_path):
    (tmp_path / "a_file").write_text("")
    assert_one_line(generate(tmp_path / "a_file"), 1, "--out", "is a file")
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(str(out)):
        assert_one_line(generate(out), 1, "another run is writing")
    proc = generate(out, preexec_fn=file_size_limit(3000))
    assert_one_line(proc, 1, "cannot write", "File too large")
    for path in out.rglob("*.json"):
        strict_json(path)
    assert leftovers(out) == []

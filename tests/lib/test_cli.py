"""lib.cli.run_main and lib.options: one line for every failure, range-checked numbers."""
import argparse
import logging

import pytest

from lib import geometry
from lib.cli import run_main
from lib.errors import LightTrackError
from lib.options import (finite_float, non_negative_float, positive_int, require_output_dir,
                         require_weights, unit_float)


def fail(err):
    def main():
        raise err
    return main


@pytest.mark.parametrize("err, line", [
    (LightTrackError("bad\ninput"), "error: bad input"),
    (FileNotFoundError(2, "No such file or directory", "x.json"),
     "error: x.json: No such file or directory"),
    (ZeroDivisionError("division by zero"),
     "error: ZeroDivisionError: division by zero (LIGHTTRACK_DEBUG=1 shows where)"),
])
def test_every_failure_is_one_line_and_exit_1(capsys, monkeypatch, err, line):
    monkeypatch.delenv("LIGHTTRACK_DEBUG", raising=False)
    assert run_main(fail(err)) == 1
    assert capsys.readouterr().err == line + "\n"


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("LIGHTTRACK_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run_main(fail(ZeroDivisionError()))


@pytest.mark.parametrize("kind, good, bad", [
    (positive_int, [("1", 1), ("40", 40)], ["0", "-1", "1.5", "x"]),
    (finite_float, [("-2.5", -2.5)], ["nan", "inf", "-inf", "x"]),
    (non_negative_float, [("0", 0.0)], ["-0.1", "nan"]),
    (unit_float, [("0", 0.0), ("1", 1.0)], ["1.01", "-0.01", "nan"]),
])
def test_number_types(kind, good, bad):
    for text, value in good:
        assert kind(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError):
            kind(text)


def test_file_and_folder_checks(tmp_path):
    (tmp_path / "w.ckpt.index").write_text("")
    (tmp_path / "f").write_text("")
    require_weights(None, "--x")
    require_weights(tmp_path / "w.ckpt", "--x")  # a TF checkpoint prefix
    with pytest.raises(LightTrackError, match="--x .*not found"):
        require_weights(tmp_path / "none.pt", "--x")
    with pytest.raises(LightTrackError, match="a folder"):
        require_weights(tmp_path, "--x")
    require_output_dir(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper").is_dir()
    with pytest.raises(LightTrackError, match="is a file"):
        require_output_dir(tmp_path / "f")


def test_the_box_limit_is_reported_once(caplog):
    geometry._warn_box_limit.cache_clear()
    with caplog.at_level(logging.WARNING):
        assert geometry.enlarge_box((0, 0, 3000, 100), 0.2) is None
        assert geometry.enlarge_box((0, 0, 100, 2500), 0.2) is None
        assert geometry.enlarge_box((0, 0, 100, 100), 0.2) is not None
    assert len(caplog.messages) == 1 and "2000 px" in caplog.messages[0]

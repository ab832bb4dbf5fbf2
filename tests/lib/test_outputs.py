"""lib.outputs and the strict JSON writer: temporary names, locks, write errors, close_all."""
import json
import os
import subprocess
import sys

import pytest

from lib.errors import LightTrackError
from lib.formats.jsonfile import dumps, write_json
from lib.outputs import OutputLock, close_all, temporary_path, write_bytes


def test_temporary_path_keeps_folder_and_extension():
    assert temporary_path("a/b/clip_out.mp4") == "a/b/clip_out.partial.mp4"
    assert temporary_path("x.json.partial") == "x.json.partial.partial"
    assert temporary_path("noext") == "noext.partial"


def test_strict_json_writes_null_for_non_finite_floats(tmp_path):
    document = {"a": float("nan"), "b": [1.5, float("inf"), -float("inf")], "c": (2, "s")}
    text = dumps(document)
    assert text == '{"a":null,"b":[1.5,null,null],"c":[2,"s"]}'
    write_json(tmp_path / "d" / "x.json", document)
    assert json.loads((tmp_path / "d" / "x.json").read_text()) == json.loads(text)
    assert os.listdir(tmp_path / "d") == ["x.json"]


def test_a_failed_write_leaves_the_old_file_and_names_it(tmp_path):
    path = tmp_path / "x.json"
    write_json(path, [1])
    os.mkdir(temporary_path(str(path)))  # the temporary name cannot be opened as a file
    with pytest.raises(LightTrackError, match=f"cannot write {path}"):
        write_bytes(str(path), b"[2]")
    assert json.loads(path.read_text()) == [1]


def test_lock_refuses_a_second_holder_and_is_removed(tmp_path):
    target = str(tmp_path / "out.json")
    with OutputLock(target) as lock:
        assert os.path.exists(lock.lock_path) and lock.lock_path == target + ".lock"
        with pytest.raises(LightTrackError, match="another run is writing"):
            OutputLock(target)
        holder = subprocess.run([sys.executable, "-c", "from lib.outputs import OutputLock; "
                                 f"OutputLock({target!r})"], capture_output=True, text=True)
        assert "another run is writing" in holder.stderr
    assert not os.path.exists(target + ".lock")
    OutputLock(target).release()  # free again


def test_a_stale_lock_file_from_a_killed_run_does_not_block(tmp_path):
    (tmp_path / "out.json.lock").write_text("")
    OutputLock(str(tmp_path / "out.json")).release()
    assert OutputLock(str(tmp_path)).lock_path == str(tmp_path / ".lock")


class Sink:
    def __init__(self, log, name, fail=False):
        self.log, self.name, self.fail = log, name, fail

    def close(self):
        self.log.append(self.name)
        if self.fail:
            raise LightTrackError(f"{self.name} failed")


def test_close_all_closes_every_sink_and_raises_the_first_failure():
    log = []
    with pytest.raises(LightTrackError, match="b failed"):
        close_all([Sink(log, "a"), Sink(log, "b", True), Sink(log, "c", True)])
    assert log == ["a", "b", "c"]


def test_close_all_does_not_mask_the_error_in_flight():
    log = []
    with pytest.raises(KeyboardInterrupt):
        try:
            raise KeyboardInterrupt
        finally:
            close_all([Sink(log, "a", True), Sink(log, "b")])
    assert log == ["a", "b"]

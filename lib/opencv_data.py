"""OpenCV's sample data (vtest.avi, photos of people, street backgrounds) fetched from Debian's
``opencv-doc`` package, or from the ``opencv-python`` source distribution on PyPI where apt is
missing, and checked against data/SHA256SUMS (stdlib only; apt-get, dpkg-deb and pip run in
subprocesses).

``fetch`` downloads only when a listed file is missing or wrong, so a second run downloads
nothing; the package archive is deleted afterwards. When every source fails, one
``LightTrackError`` names each source's last message.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lib.errors import LightTrackError
from lib.weights import check_file, is_current, read_manifest

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
MANIFEST_PATH = DATA_DIR / "SHA256SUMS"
DEBIAN_PACKAGE = "opencv-doc"
DEBIAN_DATA = "usr/share/doc/opencv-doc/examples/data/"
SDIST_REQUIREMENT = "opencv-python==4.10.0.84"
SDIST_DATA = "opencv/samples/data/"
FIX = "run make vtest"


@dataclass(frozen=True)
class SampleFile:
    """``name`` in OpenCV's samples/data folder, stored at ``target`` (relative to data/, as
    the manifest writes it)."""

    name: str
    target: str


VTEST = SampleFile("vtest.avi", "vtest/vtest.avi")
SAMPLE_FILES = (
    VTEST,
    SampleFile("messi5.jpg", "opencv_samples/messi5.jpg"),
    SampleFile("basketball1.png", "opencv_samples/basketball1.png"),
    SampleFile("leuvenA.jpg", "opencv_samples/leuvenA.jpg"),
    SampleFile("building.jpg", "opencv_samples/building.jpg"),
)


def _last_line(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return lines[-1].strip() if lines else f"exit code {done.returncode}"


def download_debian(workdir: Path) -> dict[str, Path]:
    """``apt-get download opencv-doc`` into ``workdir`` (after ``apt-get update`` when the
    package is unknown), unpack it; returns {sample name: extracted path}."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise LightTrackError("apt-get/dpkg-deb not found")
    command = ["apt-get", "download", "-q", DEBIAN_PACKAGE]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    if done.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True)
        done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    debs = sorted(workdir.glob(f"{DEBIAN_PACKAGE}_*.deb"))
    if done.returncode != 0 or not debs:
        raise LightTrackError(_last_line(done))
    unpacked = workdir / "deb"
    done = subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise LightTrackError(_last_line(done))
    return {path.name: path for path in (unpacked / DEBIAN_DATA).glob("*") if path.is_file()}


def download_sdist(workdir: Path, names) -> dict[str, Path]:
    """``pip download`` the opencv-python source archive (only its build requirements are
    wheels; nothing is built) and extract ``names`` from its samples/data folder; returns
    {sample name: extracted path}."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
               "opencv-python", "--disable-pip-version-check", "--no-input", "--quiet", "--dest",
               str(workdir), SDIST_REQUIREMENT]
    done = subprocess.run(command, capture_output=True, text=True)
    archives = sorted(workdir.glob("opencv[-_]python-*.tar.gz"))
    if not archives:
        raise LightTrackError(_last_line(done))
    found = {}
    with tarfile.open(archives[0]) as archive:
        for member in archive:
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and member.name.endswith(SDIST_DATA + name) and name in names:
                target = workdir / "sdist" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                found[name] = target
    return found


def _from_sources(names, workdir: Path, sources) -> dict[str, Path]:
    """The first source's files that holds every name; LightTrackError naming each failure."""
    failures = []
    for label, source in sources:
        try:
            found = source(workdir / label)
        except (LightTrackError, OSError, tarfile.TarError) as err:
            failures.append(f"{label}: {err}")
            continue
        missing = sorted(set(names) - set(found))
        if not missing:
            return found
        failures.append(f"{label}: lacks {', '.join(missing)}")
    raise LightTrackError("could not fetch OpenCV's sample data (" + "; ".join(failures) +
                          f"): check the network, then {FIX}")


def default_sources(names) -> list:
    """(label, callable(workdir) -> {name: path}) for Debian, then PyPI."""
    def debian(workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        return download_debian(workdir)

    def pypi(workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        return download_sdist(workdir, names)

    return [(f"Debian {DEBIAN_PACKAGE}", debian), (f"PyPI {SDIST_REQUIREMENT}", pypi)]


def fetch(files=SAMPLE_FILES, *, data_dir: str | Path = DATA_DIR,
          manifest_path: str | Path = MANIFEST_PATH, sources=None) -> dict[str, str]:
    """Make every file present under ``data_dir`` with its manifest hash; returns
    {target: "present" | "fetched"}. ``sources`` defaults to ``default_sources``."""
    manifest = read_manifest(manifest_path, [item.target for item in files])
    status, needed = {}, []
    for item in files:
        if is_current(Path(data_dir) / item.target, manifest[item.target]):
            status[item.target] = "present"
        else:
            needed.append(item)
    if not needed:
        return status
    names = [item.name for item in needed]
    with tempfile.TemporaryDirectory(prefix="opencv-data-") as tmp:
        found = _from_sources(names, Path(tmp), sources or default_sources(names))
        for item in needed:
            target = Path(data_dir) / item.target
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(found[item.name], partial)
            check_file(partial, manifest[item.target], source=f"OpenCV's {item.name}",
                       fix=f"{FIX} again")
            os.replace(partial, target)
            status[item.target] = "fetched"
    return status


def sample_path(name: str, data_dir: str | Path = DATA_DIR) -> Path:
    """Where the fetched sample ``name`` lives; LightTrackError when it is not there yet."""
    for item in SAMPLE_FILES:
        if item.name == name:
            path = Path(data_dir) / item.target
            if not path.is_file():
                raise LightTrackError(f"{path} not found: {FIX}")
            return path
    raise LightTrackError(f"{name} is not one of the fetched OpenCV samples")

"""The photos and video frames the real-pixel set cuts its people and backgrounds from (numpy,
OpenCV): OpenCV's sample photos and frames of vtest.avi (``make vtest`` fetches them).

A ``Source`` names one person: the image it is cut from and the crop rectangle. The reference
keypoints of each crop (``data/realpix_reference.json``, written by ``data/annotate_realpix.py``)
are in crop pixels.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import load_json
from lib.joints import NUM_JOINTS
from lib.opencv_data import VTEST, sample_path

REFERENCE_PATH = Path(__file__).resolve().parent / "realpix_reference.json"


@dataclass(frozen=True)
class Source:
    """A person: ``image`` names the photo ("opencv:messi5.jpg" or "vtest:<frame index>"),
    ``crop_xyxy`` the rectangle cut from it."""

    name: str
    image: str
    crop_xyxy: tuple[int, int, int, int]

    @property
    def crop_size(self) -> tuple[int, int]:
        """(width, height) of the crop."""
        x1, y1, x2, y2 = self.crop_xyxy
        return x2 - x1, y2 - y1


SOURCES = {source.name: source for source in (
    Source("messi", "opencv:messi5.jpg", (60, 55, 465, 342)),
    Source("basketball", "opencv:basketball1.png", (25, 70, 205, 480)),
    Source("walker_a", "vtest:0", (245, 212, 295, 312)),
    Source("walker_c", "vtest:204", (632, 278, 695, 392)),
    Source("walker_d", "vtest:646", (336, 376, 397, 522)),
    Source("walker_e", "vtest:578", (206, 334, 268, 474)),
    Source("walker_f", "vtest:612", (553, 278, 602, 402)),
    Source("walker_g", "vtest:680", (443, 238, 487, 347)),
    Source("walker_h", "vtest:238", (658, 266, 717, 386)),
    Source("walker_i", "vtest:442", (590, 250, 645, 358)),
)}


@functools.lru_cache(maxsize=None)
def _vtest_frames(indices: tuple[int, ...]) -> dict[int, np.ndarray]:
    """The vtest.avi frames at ``indices`` (decoded in order)."""
    path = sample_path(VTEST.name)
    capture = cv2.VideoCapture(str(path))
    frames, index = {}, 0
    while len(frames) < len(indices):
        ok, frame = capture.read()
        if not ok:
            raise LightTrackError(f"{path}: ends before frame {max(indices)}: run make vtest")
        if index in indices:
            frames[index] = frame
        index += 1
    capture.release()
    return frames


@functools.lru_cache(maxsize=None)
def load_image(spec: str) -> np.ndarray:
    """The BGR uint8 image named by ``spec`` (see ``Source.image``; "opencv:leuvenA.jpg" for a
    background)."""
    kind, _, name = spec.partition(":")
    if kind == "opencv":
        path = sample_path(name)
    elif kind == "vtest":
        wanted = tuple(sorted({int(s.image.partition(":")[2]) for s in SOURCES.values()
                               if s.image.startswith("vtest:")}))
        return _vtest_frames(wanted)[int(name)]
    else:
        raise LightTrackError(f"unknown image source {spec!r}")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise LightTrackError(f"cannot read {path}: reinstall the package or run make vtest")
    return image


def crop(source: Source) -> np.ndarray:
    """The source's crop, BGR uint8."""
    x1, y1, x2, y2 = source.crop_xyxy
    return load_image(source.image)[y1:y2, x1:x2]


@dataclass(frozen=True)
class Reference:
    """Reference keypoints of one crop: ``keypoints`` (15, 2) crop pixels (the mean of the two
    models, also where they disagree), ``known`` (15,) bool (both models agree)."""

    keypoints: np.ndarray
    known: np.ndarray


def load_references(path: str | Path = REFERENCE_PATH) -> dict[str, Reference]:
    """{source name: Reference} from the committed reference file."""
    document = load_json(path)
    references = {}
    for name, entry in document.get("sources", {}).items():
        points = np.asarray(entry.get("keypoints"), dtype=np.float64)
        if points.shape != (NUM_JOINTS, 3):
            raise LightTrackError(f"{path}: {name} needs 15 keypoints [x, y, known]")
        references[name] = Reference(points[:, :2], points[:, 2] > 0)
    missing = sorted(set(SOURCES) - set(references))
    if missing:
        raise LightTrackError(f"{path} lacks {', '.join(missing)}: run data/annotate_realpix.py")
    return references

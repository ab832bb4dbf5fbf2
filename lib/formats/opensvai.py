"""OpenSVAI "standard" JSON: the tracker's per-frame output and the detection-file input.

The file is a JSON list with one element per frame: ``{"image": {"folder", "name", "id": [i]},
"candidates": [...]}``. A candidate is a placeholder ``{"det_bbox": [0, 0, 2, 2], "det_score": 0}``
or a person with ``det_bbox`` (xywh), ``det_score``, ``track_id``, ``track_score`` and
``pose_keypoints_2d`` (x, y, score per joint, flat). The published quirks live here alone:
boxes are written as truncated xywh (``geometry.xyxy_to_xywh``), rejected detections and empty
frames as placeholders.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import dumps, load_json
from lib.geometry import xyxy_to_xywh
from lib.interfaces import RejectedDetection, Track
from lib.joints import NUM_JOINTS
from lib.outputs import OutputLock, replace, temporary_path, write_error

PLACEHOLDER_BOX = [0, 0, 2, 2]


def _number(value):
    """A plain Python int or float for JSON (numpy scalars are not serialisable)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def person_to_candidate(person: Track) -> dict:
    """One OpenSVAI candidate: the published truncated xywh box, the pose and its track."""
    kps = np.round(np.asarray(person.keypoints, dtype=np.float64), 3)
    return {
        "det_bbox": [_number(v) for v in xyxy_to_xywh(person.box_xyxy)],
        "det_score": 1,
        "track_id": int(person.track_id),
        "track_score": _number(round(float(kps[:, 2].mean()), 4)),
        "pose_keypoints_2d": [_number(v) for v in kps.reshape(-1)],
    }


def frame_to_dict(folder: str, name: str, frame_idx: int, persons: list[Track],
                  rejected: list[RejectedDetection] = ()) -> dict:
    """One OpenSVAI frame: the persons in order with a placeholder candidate at the position
    of each rejected detection; a frame without candidates holds one placeholder."""
    candidates = [person_to_candidate(p) for p in persons]
    for detection in sorted(rejected, key=lambda r: r.index):
        candidates.insert(detection.index, {"det_bbox": list(PLACEHOLDER_BOX), "det_score": 0})
    if not candidates:
        candidates = [{"det_bbox": list(PLACEHOLDER_BOX), "det_score": 0}]
    return {"image": {"folder": folder, "name": name, "id": [int(frame_idx)]},
            "candidates": candidates}


class OpenSVAIWriter:
    """Writes an OpenSVAI file frame by frame; after every frame the file is a complete, valid
    JSON list, so a crash or Ctrl-C keeps every frame already written.

    placeholders: write each rejected detection as a placeholder candidate (the published
    demos) or leave it out (the published PoseTrack scripts).

    The file is written as ``lib.outputs.temporary_path(path)`` and renamed to ``path`` by
    ``close``; ``<path>.lock`` keeps a second run off it. A failed write (full disk) puts the
    file back to its last complete frame and raises LightTrackError naming ``path``.
    """

    _CLOSE = b"\n]\n"

    def __init__(self, path: str, *, placeholders: bool = True):
        self.path, self.placeholders = path, placeholders
        self._lock = OutputLock(path)
        self._temporary = temporary_path(path)
        self._count = 0
        try:
            self._file = open(self._temporary, "wb", buffering=0)
            self._write_all(b"[" + self._CLOSE)
        except OSError as err:
            self._lock.release()
            raise write_error(path, err) from None
        self._size = len(b"[" + self._CLOSE)  # bytes of the last complete list

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self._file.write(view):]

    def write_frame(self, frame: dict) -> None:
        """Append one frame dict (as built by ``frame_to_dict``)."""
        body = dumps(frame).encode()
        try:
            self._file.seek(self._size - len(self._CLOSE))
            self._write_all((b",\n" if self._count else b"\n") + body + self._CLOSE)
        except OSError as err:
            self._restore()
            raise write_error(self.path, err) from None
        self._size = self._file.tell()
        self._count += 1

    def _restore(self) -> None:
        """Cut the file back to its last complete list (best effort: the disk may be full)."""
        try:
            self._file.truncate(self._size - len(self._CLOSE))
            self._file.seek(self._size - len(self._CLOSE))
            self._write_all(self._CLOSE)
        except OSError:
            pass

    def write(self, frame, result) -> None:
        """Runner sink: append a tracked frame (``lib.runner.Frame``, ``FrameResult``)."""
        rejected = result.rejected if self.placeholders else ()
        self.write_frame(frame_to_dict(frame.folder, frame.name, frame.index, result.persons,
                                       rejected))

    def close(self) -> None:
        """Close the file and give it its final name (it holds every frame written)."""
        if self._file.closed:
            return
        try:
            self._file.close()
            replace(self._temporary, self.path)
        finally:
            self._lock.release()


@dataclass
class Candidate:
    """One candidate read back: box (4,) xywh, keypoints (K, 3) or None."""

    box_xywh: np.ndarray
    det_score: float
    track_id: int | None = None
    track_score: float | None = None
    keypoints: np.ndarray | None = None

    @property
    def is_placeholder(self) -> bool:
        return self.det_score == 0 and list(self.box_xywh) == PLACEHOLDER_BOX


@dataclass
class OpenSVAIFrame:
    folder: str
    name: str
    frame_id: int
    candidates: list[Candidate]


def read_opensvai(path: str) -> list[OpenSVAIFrame]:
    """Read an OpenSVAI file (tracker output, or a detection file whose ``image.id`` is an int).

    Raises LightTrackError naming the file when it is missing, not JSON or not OpenSVAI.
    """
    data = load_json(path)
    if not isinstance(data, list):
        raise LightTrackError(f"{path}: an OpenSVAI file is a JSON list of frames")
    frames = []
    for position, item in enumerate(data):
        try:
            frames.append(_parse_frame(item))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
            raise LightTrackError(f"{path}: malformed OpenSVAI frame at position {position} "
                                  f"({type(err).__name__}: {err})") from None
    return frames


def _parse_frame(item: dict) -> OpenSVAIFrame:
    image = item["image"]
    frame_id = image["id"]
    if isinstance(frame_id, list):
        frame_id = frame_id[0]
    return OpenSVAIFrame(folder=str(image.get("folder", "")), name=str(image.get("name", "")),
                         frame_id=int(frame_id),
                         candidates=[_parse_candidate(c) for c in item["candidates"]])


def _parse_candidate(cand: dict) -> Candidate:
    box = np.asarray(cand["det_bbox"], dtype=np.float64).reshape(4)
    score = cand.get("det_score", 1)
    score = float(score[0] if isinstance(score, list) else score)
    track_id, track_score = cand.get("track_id"), cand.get("track_score")
    kps = cand.get("pose_keypoints_2d")
    if kps and len(kps) != 3 * NUM_JOINTS:
        raise ValueError(f"pose_keypoints_2d holds {len(kps)} values; {3 * NUM_JOINTS} expected "
                         f"(x, y, score of {NUM_JOINTS} joints)")
    return Candidate(box_xywh=box, det_score=score,
                     track_id=None if track_id is None else int(track_id),
                     track_score=None if track_score is None else float(track_score),
                     keypoints=None if not kps else np.asarray(kps, np.float64).reshape(-1, 3))

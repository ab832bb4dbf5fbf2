"""Detector and pose-model outputs cached on disk per clip, so a tracker-only change re-scores
without running a model (pickle files under data/cache/; the models load only on a miss).

A ``CachedDetector`` / ``CachedEstimator`` stands in for the component of that name: it answers
from its ``ClipCache`` when the frame (and, for poses, the box) was seen before and otherwise
builds the component by name (``lib.components``) and asks it. The frame loop sets
``ClipCache.frame_idx`` before each ``step``. Poses are cached per box, so a top-down estimator's
output must depend only on the frame and the box; BlazePose's tracking mode (reusing the region
of its previous pose) makes the first computed answer the one kept.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import pickle
from pathlib import Path

import numpy as np

from lib import components
from lib.interfaces import Detector, PoseEstimator

CACHE_DIR = Path("data/cache")
#: part of every table's stamp; bumped when the key format changes. Boxes are keys exactly as
#: floats: MoveNet's joints jump by a heatmap cell (several pixels) for box shifts of 1/100
#: pixel, so rounded keys made a row's poses depend on which row had asked first.
KEY_FORMAT = "exact-box-keys"


class ClipCache:
    """The cached outputs of the models of one clip. Each table is stamped with the sha256 of
    the clip's source file (its video or annotation file) and of the model's code: a rebuilt
    clip, or an edited model module (a new default threshold, a new crop), invalidates it."""

    def __init__(self, clip_name: str, source_path: str, cache_dir: Path = CACHE_DIR):
        self.stamp = hashlib.sha256(Path(source_path).read_bytes()).hexdigest()
        self.dir = Path(cache_dir) / clip_name
        self.frame_idx = 0
        self._tables: dict[str, dict] = {}
        self._stamps: dict[str, str] = {}
        self._dirty: set[str] = set()

    def table(self, name: str, code_stamp: str = "") -> dict:
        """The key -> output dict of model ``name`` (e.g. "det_ssdlite"), loaded on first use;
        ``code_stamp``: a digest of the model's code (``code_digest``)."""
        if name not in self._tables:
            self._stamps[name] = self.stamp + code_stamp + KEY_FORMAT
            path = self.dir / f"{name}.pkl"
            content = {}
            if path.is_file():
                with open(path, "rb") as handle:
                    stamp, stored = pickle.load(handle)
                content = stored if stamp == self._stamps[name] else {}
            self._tables[name] = content
        return self._tables[name]

    def put(self, name: str, key, value) -> None:
        self.table(name)[key] = value
        self._dirty.add(name)

    def save(self) -> None:
        """Write the tables that changed."""
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in sorted(self._dirty):
            with open(self.dir / f"{name}.pkl", "wb") as handle:
                pickle.dump((self._stamps[name], self._tables[name]), handle)
        self._dirty.clear()


def code_digest(kind: str, name: str) -> str:
    """sha256 of the source file of the module that holds component ``name`` of ``kind``."""
    spec = importlib.util.find_spec(components.TABLE[kind][name][0])
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()


class CachedDetector(Detector):
    """The detector ``name`` behind a ``ClipCache`` (``detect`` as ``lib.interfaces.Detector``)."""

    def __init__(self, name: str, cache: ClipCache):
        self.name, self.cache, self._model = name, cache, None
        self.code_stamp = code_digest("detector", name)

    def detect(self, image: np.ndarray):
        table = f"det_{self.name}"
        key = self.cache.frame_idx
        if key not in self.cache.table(table, self.code_stamp):
            if self._model is None:
                self._model = components.build("detector", self.name)
            boxes, scores = self._model.detect(image)
            self.cache.put(table, key, (np.asarray(boxes, float), np.asarray(scores, float)))
        return self.cache.table(table)[key]


class CachedEstimator(PoseEstimator):
    """The pose estimator ``name`` behind a ``ClipCache``, one cache entry per frame and box."""

    def __init__(self, name: str, cache: ClipCache):
        self.name, self.cache, self._model = name, cache, None
        module_name, class_name = components.TABLE["pose"][name]
        estimator_class = getattr(importlib.import_module(module_name), class_name)
        self.lost_score_thresh = estimator_class.lost_score_thresh
        self.code_stamp = code_digest("pose", name)
        self._last_missing: list[int] = []

    def reset(self) -> None:
        if self._model is not None:
            self._model.reset()

    def assign(self, track_ids) -> None:
        """Tell the model the tracks of the poses it computed in the last call (a stateful
        model such as BlazePose tracks with them; cached poses were not computed now)."""
        if self._model is None:
            return
        if not len(track_ids):  # a keyframe without boxes: the tracker called no estimate
            self._model.assign([])
        elif self._last_missing:
            self._model.assign([track_ids[i] for i in self._last_missing])

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray, track_ids=None) -> np.ndarray:
        table = self.cache.table(f"pose_{self.name}", self.code_stamp)
        keys = [(self.cache.frame_idx, tuple(box.tolist()))
                for box in np.asarray(boxes_xyxy, float).reshape(-1, 4)]
        missing = [i for i, key in enumerate(keys) if key not in table]
        self._last_missing = missing
        if missing:
            if self._model is None:
                self._model = components.build("pose", self.name)
            ids = None if track_ids is None else [track_ids[i] for i in missing]
            keypoints = self._model.estimate(image, np.asarray(boxes_xyxy, float)[missing], ids)
            for i, pose in zip(missing, keypoints):
                self.cache.put(f"pose_{self.name}", keys[i], np.asarray(pose, float))
        if not keys:
            return np.zeros((0, 15, 3))
        return np.stack([table[key] for key in keys])

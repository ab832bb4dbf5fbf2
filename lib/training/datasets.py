"""Where the training and validation annotation files sit under the dataset roots (no framework).

COCO (``--coco-root``): ``annotations/person_keypoints_<split>.json`` with images under
``images/<split>/``, ``<split>/`` or ``images/``; PoseTrack'17 (``--posetrack-root``):
``posetrack_merged_<train|val>.json`` or per-video ``annotations/<train|val>/*.json``, image
names relative to the root. data/README.md describes both.
"""
from __future__ import annotations

import logging
from pathlib import Path

from lib.errors import LightTrackError
from lib.training.annotations import Sample, load_coco, load_posetrack17

log = logging.getLogger(__name__)

# first file found wins: the published 2014 split, then 2017, then the tiny set's names
COCO_FILES = {
    "train": ("person_keypoints_trainvalminusminival2014.json", "person_keypoints_train2017.json",
              "person_keypoints_train.json"),
    "val": ("person_keypoints_minival2014.json", "person_keypoints_val2017.json",
            "person_keypoints_val.json"),
}


def coco_samples(coco_root, split: str) -> list[Sample]:
    """Persons of the COCO ``split`` ("train" or "val"); a missing train file is an error,
    a missing val file gives []."""
    folder = Path(coco_root) / "annotations"
    for name in COCO_FILES[split]:
        if (folder / name).is_file():
            samples = load_coco(folder / name, coco_root)
            log.info("%s: %d persons", folder / name, len(samples))
            return samples
    if split == "val":
        return []
    raise LightTrackError(f"{folder / COCO_FILES[split][0]} not found (nor "
                          f"{', '.join(COCO_FILES[split][1:])}): see data/README.md")


def posetrack_samples(posetrack_root, split: str) -> list[Sample]:
    """Persons of the PoseTrack'17 ``split``: the merged file, else every per-video file."""
    root = Path(posetrack_root)
    merged = root / f"posetrack_merged_{split}.json"
    files = [merged] if merged.is_file() else sorted((root / "annotations" / split).glob("*.json"))
    if not files:
        if split == "val":
            return []
        raise LightTrackError(f"{merged} not found (nor {root / 'annotations' / split}/*.json): "
                              "see data/README.md")
    samples = [s for path in files for s in load_posetrack17(path, root)]
    log.info("%s: %d persons from %d file(s)", root, len(samples), len(files))
    return samples


def check_images(samples: list[Sample]) -> None:
    """LightTrackError naming the first missing image file, with the count."""
    missing = sorted({s.image_path for s in samples if not Path(s.image_path).is_file()})
    if missing:
        raise LightTrackError(f"{missing[0]} not found ({len(missing)} image(s) missing): check "
                              "the dataset root and its layout in data/README.md")


def load_datasets(coco_root=None, posetrack_root=None) -> tuple[list[Sample], list[Sample]]:
    """(train, val) persons of COCO and PoseTrack'17, concatenated; at least one root."""
    if coco_root is None and posetrack_root is None:
        raise LightTrackError("no dataset: give --coco-root and/or --posetrack-root")
    train, val = [], []
    for root, load in ((coco_root, coco_samples), (posetrack_root, posetrack_samples)):
        if root is not None:
            if not Path(root).is_dir():
                raise LightTrackError(f"{root} not found: give an existing dataset folder")
            train += load(root, "train")
            val += load(root, "val")
    check_images(train + val)
    return train, val

"""Training samples from COCO person keypoints and PoseTrack'17 ``annolist`` files (no framework).

A sample is one annotated person: an image path, a box ``[x, y, w, h]`` and 15 PoseTrack joints
(SPEC §2.1) as rows ``x, y, valid``. ``valid`` is the visibility number (0 unannotated, 1
labelled but hidden, 2 visible, or an average for joints derived from COCO).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import load_json
from lib.geometry import enlarge_box, xyxy_to_xywh
from lib.joints import NUM_JOINTS

# PoseTrack joint index -> COCO keypoint index, for the joints copied as they are (SPEC §2.1)
COCO_SOURCES = {0: 16, 1: 14, 2: 12, 3: 11, 4: 13, 5: 15, 6: 10, 7: 8, 8: 6, 9: 5, 10: 7,
                11: 9, 13: 0}
COCO_NOSE, COCO_EYES, COCO_SHOULDERS = 0, (1, 2), (5, 6)
NECK, HEAD_TOP = 12, 14
POSETRACK_BOX_ENLARGE = 0.2  # published enlargement of the box around a PoseTrack'17 person


@dataclass(frozen=True)
class Sample:
    """One person to train on: image_path, box_xywh [x, y, w, h], joints (15, 3) x, y, valid."""

    image_path: str
    box_xywh: tuple[float, float, float, float]
    joints: np.ndarray


def coco_to_posetrack(keypoints) -> np.ndarray:
    """COCO keypoints (17, 3) or flat (51,) x, y, v -> PoseTrack joints (15, 3) x, y, valid.

    Copied joints keep COCO's x, y, v. The neck is the mean of both shoulders (x, y and v) and
    is unannotated unless both are. The head top has x = mean x of the annotated eyes,
    y = 2·nose_y − neck_y and v = mean v of the annotated eyes; it needs the nose, the neck and
    one eye. (The original averaged zeros in for missing sources; see README.)
    """
    coco = np.asarray(keypoints, np.float64).reshape(17, 3)
    joints = np.zeros((NUM_JOINTS, 3))
    for target, source in COCO_SOURCES.items():
        joints[target] = coco[source]
    shoulders = coco[list(COCO_SHOULDERS)]
    if np.all(shoulders[:, 2] > 0):
        joints[NECK] = shoulders.mean(axis=0)
    eyes = coco[list(COCO_EYES)]
    eyes = eyes[eyes[:, 2] > 0]
    nose = coco[COCO_NOSE]
    if len(eyes) and nose[2] > 0 and joints[NECK, 2] > 0:
        joints[HEAD_TOP] = (eyes[:, 0].mean(), 2 * nose[1] - joints[NECK, 1], eyes[:, 2].mean())
    return joints


def _read_json(path: Path, what: str):
    if not path.is_file():
        raise LightTrackError(f"{path} not found: {what}")
    return load_json(path)


def _malformed(path: Path, err: Exception) -> LightTrackError:
    return LightTrackError(f"{path} is malformed: missing or bad field {err}; expected the "
                           "format described in data/README.md")


def _coco_image_dir(root: Path, file_name: str, split: str, cache: dict) -> Path:
    """The folder holding a COCO image: images/<split>/, <split>/ or images/ under ``root``."""
    match = re.match(r"COCO_([a-z]+\d+)_", file_name)
    split = match.group(1) if match else split
    if split not in cache:
        candidates = [root / "images" / split, root / split, root / "images"]
        cache[split] = next((c for c in candidates if c.is_dir()), candidates[-1])
    return cache[split]


def load_coco(json_path, coco_root) -> list[Sample]:
    """Persons of a COCO person-keypoints file, mapped to 15 joints.

    Skips crowd annotations, ``num_keypoints == 0`` and all-zero visibility (SPEC §3.7); the
    box is COCO's own ``bbox``. Images are looked up under ``coco_root`` as described in
    data/README.md. Raises LightTrackError naming the file when it is missing or malformed.
    """
    json_path, root = Path(json_path), Path(coco_root)
    dataset = _read_json(json_path, "see data/README.md for the COCO keypoint files")
    split = json_path.stem.rsplit("_", 1)[-1]
    samples, dir_cache = [], {}
    try:
        images = {img["id"]: img for img in dataset["images"]}
        for ann in dataset["annotations"]:
            keypoints = np.asarray(ann["keypoints"], np.float64).reshape(17, 3)
            if ann.get("iscrowd", 0) or ann["num_keypoints"] == 0 or not keypoints[:, 2].any():
                continue
            file_name = images[ann["image_id"]]["file_name"]
            image_dir = _coco_image_dir(root, file_name, split, dir_cache)
            samples.append(Sample(str(image_dir / file_name),
                                  tuple(float(v) for v in ann["bbox"]),
                                  coco_to_posetrack(keypoints)))
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise _malformed(json_path, err) from None
    return samples


def _posetrack_person(rect) -> np.ndarray | None:
    """PoseTrack'17 annorect -> joints (15, 3) as (int(x), int(y), is_visible + 1), or None."""
    if not rect.get("annopoints"):
        return None
    joints = np.zeros((NUM_JOINTS, 3))
    for point in rect["annopoints"][0]["point"]:
        visible = point.get("is_visible", [1])
        visible = int(visible[0] if isinstance(visible, list) else visible)
        joint_id = int(point["id"][0])
        joints[joint_id] = (int(point["x"][0]), int(point["y"][0]), visible + 1)
    return joints


def load_posetrack17(json_path, posetrack_root) -> list[Sample]:
    """Persons of a PoseTrack'17 ``annolist`` file (SPEC §2.5).

    Only labelled frames with persons are read; the box is the annotated points' extent
    enlarged by 0.2; persons without a box or visible joint are skipped. Image names are
    relative to ``posetrack_root``. Raises LightTrackError naming the file on bad input.
    """
    json_path, root = Path(json_path), Path(posetrack_root)
    data = _read_json(json_path, "see data/README.md for the PoseTrack'17 files")
    samples = []
    try:
        for frame in data["annolist"]:
            if not frame.get("is_labeled", [1])[0] or not frame.get("annorect"):
                continue
            image_path = str(root / frame["image"][0]["name"])
            for rect in frame["annorect"]:
                joints = _posetrack_person(rect)
                if joints is None or not joints[:, 2].any():
                    continue
                # not boxes_from_keypoints: it drops score 3 (is_visible 2) and keeps valid < 0
                points = joints[joints[:, 2] > 0, :2]
                box = enlarge_box((*points.min(axis=0), *points.max(axis=0)),
                                  POSETRACK_BOX_ENLARGE)
                if box is not None:
                    box = tuple(float(v) for v in xyxy_to_xywh(box))
                    samples.append(Sample(image_path, box, joints))
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise _malformed(json_path, err) from None
    return samples

"""PoseTrack 2017 (``annolist``) and 2018 (COCO-like) annotation files: read, build, convert (no framework).

Keypoints inside LightTrack are (15, 3) arrays in the joint order of ``lib.joints`` (= PoseTrack
2017 order). PoseTrack'18 files hold 17 slots in ``POSETRACK18_KEYPOINTS`` order; the two ear
slots are always zero here. Boxes are xywh unless the name says otherwise.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import load_json, write_json
from lib.formats.opensvai import OpenSVAIFrame, read_opensvai
from lib.geometry import xywh_to_xyxy
from lib.joints import JOINT_NAMES, NUM_JOINTS, POSETRACK18_KEYPOINTS, SKELETON

NUM_SLOTS = len(POSETRACK18_KEYPOINTS)
#: SLOT_OF_JOINT[j] = the PoseTrack'18 slot of LightTrack joint j
SLOT_OF_JOINT = tuple(POSETRACK18_KEYPOINTS.index(name) for name in JOINT_NAMES)
#: official PoseTrack'18 image ids: 10000000000 + video number * 10000 + frame index
IMAGE_ID_BASE, IMAGE_ID_VIDEO_STRIDE = 10_000_000_000, 10_000


def image_id(video_number: int, frame_idx: int) -> int:
    """The PoseTrack'18 image id of frame ``frame_idx`` of video ``video_number``."""
    return IMAGE_ID_BASE + video_number * IMAGE_ID_VIDEO_STRIDE + frame_idx


def person_category() -> dict:
    """The one PoseTrack'18 category: ``person`` with the 17 slot names and a 1-based skeleton."""
    skeleton = [[SLOT_OF_JOINT[a] + 1, SLOT_OF_JOINT[b] + 1] for a, b in SKELETON]
    return {"supercategory": "person", "id": 1, "name": "person",
            "keypoints": list(POSETRACK18_KEYPOINTS), "skeleton": skeleton}


def keypoints_to_slots(keypoints: np.ndarray) -> np.ndarray:
    """(15, 3) LightTrack keypoints -> (17, 3) PoseTrack'18 slots; the ear slots stay zero."""
    kps = np.asarray(keypoints, dtype=np.float64).reshape(NUM_JOINTS, 3)
    slots = np.zeros((NUM_SLOTS, 3))
    slots[list(SLOT_OF_JOINT)] = kps
    return slots


def slot_indices(names=POSETRACK18_KEYPOINTS) -> list[int]:
    """Position in ``names`` of each LightTrack joint; ValueError when one is missing."""
    missing = [name for name in JOINT_NAMES if name not in names]
    if missing:
        raise ValueError(f"keypoint names lack {', '.join(missing)}")
    return [list(names).index(name) for name in JOINT_NAMES]


def keypoints_from_slots(slots, names=POSETRACK18_KEYPOINTS) -> np.ndarray:
    """PoseTrack'18 ``keypoints`` (flat or (S, 3)) named by ``names`` -> (15, 3) LightTrack order."""
    return np.asarray(slots, dtype=np.float64).reshape(len(names), 3)[slot_indices(names)]


def _round(values, digits: int = 3) -> list:
    """Plain JSON numbers (ints stay ints)."""
    out = []
    for v in np.round(np.asarray(values, dtype=np.float64).reshape(-1), digits).tolist():
        out.append(int(v) if float(v).is_integer() else v)
    return out


def annotation18(*, ann_id: int, image: int, track_id: int, keypoints: np.ndarray,
                 box_xywh=None, head_box_xywh=None, scores=None) -> dict:
    """One PoseTrack'18 annotation from (15, 3) keypoints (x, y, visibility).

    ``scores`` (15,) adds the per-slot ``scores`` list that predictions carry.
    """
    ann = {"id": int(ann_id), "image_id": int(image), "category_id": 1, "track_id": int(track_id),
           "keypoints": _round(keypoints_to_slots(keypoints))}
    if scores is not None:
        slot_scores = np.zeros(NUM_SLOTS)
        slot_scores[list(SLOT_OF_JOINT)] = np.asarray(scores, dtype=np.float64)
        ann["scores"] = _round(slot_scores, 4)
    if box_xywh is not None:
        ann["bbox"] = _round(box_xywh)
    if head_box_xywh is not None:
        ann["bbox_head"] = _round(head_box_xywh)
    return ann


def natural_key(name: str) -> list:
    """Sort key that orders "video2" before "video10" (the published natural order)."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


@dataclass
class Annotation:
    """One person of one frame read from a PoseTrack'18 file (the record the evaluator, the
    oracle and SGCN pair mining share): keypoints (15, 3) as x, y and visibility (GT) or score
    (predictions; x = y = v = 0: no joint); ``box_xywh`` the person box and ``head_box_xywh``
    the head box when given; ``scores`` (15,) when the file has them."""

    track_id: int | None
    keypoints: np.ndarray
    box_xywh: tuple | None = None
    scores: np.ndarray | None = None
    head_box_xywh: tuple | None = None


def read_posetrack18(path: str) -> dict:
    """A PoseTrack'18 document (``images``, ``annotations``, ``categories``), checked for the keys
    the converter and the oracle use; raises LightTrackError naming the file otherwise."""
    doc = load_json(path)
    try:
        ok = isinstance(doc["images"], list) and isinstance(doc.get("annotations", []), list)
        ok = ok and all("file_name" in img and "id" in img for img in doc["images"])
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise LightTrackError(f"{path}: not a PoseTrack'18 file (needs images with file_name and "
                              "id, and annotations)")
    return doc


def image_key(image_id):
    """An image id as a dict key (poseval files may give ids as lists)."""
    return tuple(image_key(v) for v in image_id) if isinstance(image_id, list) else image_id


def _slot_names(doc: dict) -> tuple:
    """The keypoint slot names: the one ``person`` category's, or the PoseTrack'18 slots when
    the document has no ``categories``; ValueError otherwise."""
    if "categories" not in doc:
        return POSETRACK18_KEYPOINTS
    categories = doc["categories"] or []
    if len(categories) != 1 or categories[0].get("name", "person") != "person":
        raise ValueError("needs exactly one category, named 'person'")
    return tuple(categories[0].get("keypoints") or POSETRACK18_KEYPOINTS)


def annotations18(doc: dict) -> dict:
    """The people of a PoseTrack'18 document by image id (``image_key``; every image present).

    Raises ValueError (or KeyError, TypeError) when the document is malformed: no single
    ``person`` category, a LightTrack joint missing from its slots, a keypoint list of the
    wrong length."""
    names = _slot_names(doc)
    index = slot_indices(names)
    people: dict = {image_key(img["id"]): [] for img in doc["images"]}
    for ann in doc.get("annotations") or []:
        kps = np.asarray(ann.get("keypoints") or [0] * (3 * len(names)), dtype=np.float64)
        if kps.size != 3 * len(names):
            raise ValueError(f"an annotation has {kps.size} keypoint values, expected "
                             f"{3 * len(names)} (x, y, visibility per slot)")
        scores = ann.get("scores")
        people.setdefault(image_key(ann["image_id"]), []).append(Annotation(
            track_id=ann.get("track_id"), keypoints=kps.reshape(len(names), 3)[index],
            box_xywh=tuple(ann["bbox"]) if ann.get("bbox") else None,
            scores=np.asarray(scores, dtype=np.float64)[index] if scores else None,
            head_box_xywh=tuple(ann["bbox_head"]) if ann.get("bbox_head") else None))
    return people


def image_path(frame: OpenSVAIFrame) -> str:
    """The published image path rule: ``images/<split>/<video>/<name>`` from the frame's folder
    ``.../<split>/<video>``."""
    folder = os.path.normpath(frame.folder)
    split, video = os.path.basename(os.path.dirname(folder)), os.path.basename(folder)
    return f"images/{split}/{video}/{frame.name}"


def _people(frame: OpenSVAIFrame, bbox_thresh: float, drop_thresh: float, track: bool,
            source: str = ""):
    """(track id, box xywh, track score, keypoints (15, 3) with dropped joints zeroed, kept (15,))
    of each candidate with ``det_score >= bbox_thresh`` and a joint scored above ``drop_thresh``;
    in pose mode the track id is the candidate's position in its frame. In track mode a person
    without a track id raises LightTrackError naming ``source`` and the frame."""
    people = []
    for cand in frame.candidates:
        if cand.det_score < bbox_thresh or cand.keypoints is None or cand.is_placeholder:
            continue
        kept = cand.keypoints[:, 2] > drop_thresh
        if not kept.any():
            continue
        keypoints = np.where(kept[:, None], cand.keypoints, 0.0)
        if track and cand.track_id is None:
            raise LightTrackError(f"{source}: frame {frame.name} has a person without a track_id "
                                  "(null); -m track needs one for every person (or use -m pose)")
        track_id = cand.track_id if track else len(people)
        score = (cand.track_score or 0.0) if track else 0.0
        people.append((track_id, cand.box_xywh, score, keypoints, kept))
    return people


def _gt_images(gt_doc: dict, frames: list[OpenSVAIFrame], source: str) -> list[dict]:
    """The GT image entry of each frame, looked up by the published image path rule."""
    by_name = {img["file_name"]: img for img in gt_doc["images"]}
    images = []
    for frame in frames:
        path = image_path(frame)
        if path not in by_name:
            raise LightTrackError(f"{source}: image {path} is not in the ground truth; the image "
                                  "folder must end in <split>/<video> as in the GT file names")
        images.append(by_name[path])
    return images


def to_posetrack17(frames: list[OpenSVAIFrame], gt_doc: dict, *, bbox_thresh: float = 0.0,
                   drop_thresh: float = 0.0, track: bool = False, source: str = "") -> dict:
    """Tracker output -> PoseTrack 2017 ``annolist`` (one entry per frame, joint ids unchanged).

    Joints with score <= ``drop_thresh`` are left out; ``track`` writes the real track ids and
    track scores, otherwise ids are per-frame positions and scores 0.
    """
    annolist = []
    for frame, gt_image in zip(frames, _gt_images(gt_doc, frames, source)):
        rects = []
        people = _people(frame, bbox_thresh, drop_thresh, track, source)
        for track_id, box_xywh, score, kps, kept in people:
            points = [{"x": [float(kps[j, 0])], "y": [float(kps[j, 1])], "score": [float(kps[j, 2])],
                       "id": [j]} for j in np.flatnonzero(kept).tolist()]
            x1, y1, x2, y2 = xywh_to_xyxy(box_xywh)
            rects.append({"x1": [float(x1)], "y1": [float(y1)], "x2": [float(x2)],
                          "y2": [float(y2)], "track_id": [int(track_id)], "score": [float(score)],
                          "annopoints": [{"point": points}]})
        annolist.append({"image": [{"name": gt_image["file_name"]}], "annorect": rects})
    return {"annolist": annolist}


def to_posetrack18(frames: list[OpenSVAIFrame], gt_doc: dict, *, bbox_thresh: float = 0.0,
                   drop_thresh: float = 0.0, track: bool = False, source: str = "") -> dict:
    """Tracker output -> PoseTrack 2018: image ids from the GT, 17 keypoint slots with
    ``scores``, the GT categories. Dropped joints are (0, 0, 0); ids as in ``to_posetrack17``."""
    images, annotations = [], []
    for frame, gt_image in zip(frames, _gt_images(gt_doc, frames, source)):
        images.append({k: gt_image[k] for k in ("file_name", "id", "frame_id", "vid_id",
                                                 "nframes", "is_labeled") if k in gt_image})
        for track_id, box, _, kps, kept in _people(frame, bbox_thresh, drop_thresh, track, source):
            visible = np.column_stack([kps[:, :2], kept.astype(float)])
            annotations.append(annotation18(ann_id=len(annotations), image=gt_image["id"],
                                            track_id=track_id, keypoints=visible, box_xywh=box,
                                            scores=kps[:, 2]))
    categories = gt_doc.get("categories") or []
    if len(categories) != 1 or categories[0].get("keypoints") != list(POSETRACK18_KEYPOINTS):
        categories = [person_category()]  # the slots written above
    return {"images": images, "annotations": annotations, "categories": categories}


def convert_folder(gt_dir: str, input_dir: str, output_dir: str, *, posetrack_format: int = 17,
                   bbox_thresh: float = 0.0, drop_thresh: float = 0.0, track: bool = False) -> list[str]:
    """Convert ``input_dir/<video>.json`` for every GT file ``gt_dir/<video>.json`` (natural
    order) into ``output_dir/<video>.json`` (created); returns the file names."""
    convert = {17: to_posetrack17, 18: to_posetrack18}[posetrack_format]
    if not os.path.isdir(gt_dir):
        raise LightTrackError(f"{gt_dir}: GT folder not found (see data/README.md)")
    names = sorted((n for n in os.listdir(gt_dir) if n.endswith(".json")), key=natural_key)
    if not names:
        raise LightTrackError(f"{gt_dir}: no .json GT files in this folder")
    os.makedirs(output_dir, exist_ok=True)
    for name in names:
        source = os.path.join(input_dir, name)
        if not os.path.isfile(source):
            raise LightTrackError(f"{source}: no tracker output for this GT video; run "
                                  "process_posetrack18_with_lighttrack_MSRA152.py first")
        document = convert(read_opensvai(source), read_posetrack18(os.path.join(gt_dir, name)),
                           bbox_thresh=bbox_thresh, drop_thresh=drop_thresh, track=track,
                           source=source)
        write_json(os.path.join(output_dir, name), document)
    return names

"""PoseTrack 2017 (``annolist``) and 2018 (COCO-like) files in one internal form (numpy, shapely).

Both formats become lists of ``PoseFrame`` (SPEC §7.2). Ground truth and predictions of a sequence
are paired by file name and their frames by position; then poseval's cleanup runs (SPEC §7.3):
GT frames without any annorect are dropped with the prediction frame at the same index, rects
without a point list were never kept, and points inside the GT ignore regions are removed.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon

from lib.errors import LightTrackError
from lib.formats.jsonfile import load_json
from lib.formats.posetrack import Annotation, annotations18, image_key
from lib.geometry import xywh_to_xyxy
from lib.joints import NUM_JOINTS

log = logging.getLogger(__name__)

MAX_TRACK_ID = 10000     # track ids must stay below it; sequence i adds i * MAX_TRACK_ID
MISSING_SCORE = -9999.0  # score of a predicted joint that carries none (poseval's MIN_SCORE)


@dataclass
class PosePerson:
    """One annotated or predicted person.

    ``keypoints`` (15, 2) x, y in pixels; ``present`` (15,) bool, False where the joint is absent
    (its row of ``keypoints`` is then meaningless); ``scores`` (15,) joint scores (predictions);
    ``track_id`` int or None; ``head_box`` (x1, y1, x2, y2) or None (needed for GT).
    """
    keypoints: np.ndarray
    present: np.ndarray
    scores: np.ndarray
    track_id: int | None = None
    head_box: tuple | None = None


@dataclass
class PoseFrame:
    """One frame: ``persons`` (rects that have a point list); ``num_rects`` counts every rect of the
    file (the empty-frame rule looks at it); ``ignore_regions`` is a list of (V, 2) polygons."""
    persons: list
    num_rects: int
    ignore_regions: list = field(default_factory=list)


@dataclass
class Sequence:
    """GT and predictions of one sequence; frame i of one pairs with frame i of the other."""
    name: str
    gt: list
    pred: list


def _value(entry, key, default=None):
    """``entry[key]`` unwrapped from poseval's one-element lists (plain values are accepted too)."""
    value = entry.get(key, default) if isinstance(entry, dict) else default
    if isinstance(value, list):
        return value[0] if value else default
    return value


def _score(value) -> float:
    """A joint score; a missing, null or non-finite one is ``MISSING_SCORE`` (ranked last)."""
    score = MISSING_SCORE if value is None else float(value)
    return score if math.isfinite(score) else MISSING_SCORE


def _empty_person():
    return (np.zeros((NUM_JOINTS, 2)), np.zeros(NUM_JOINTS, bool),
            np.full(NUM_JOINTS, np.nan))


def _person_2017(rect: dict) -> PosePerson:
    keypoints, present, scores = _empty_person()
    for point in rect["annopoints"][0]["point"]:
        joint = _value(point, "id")
        if joint is None or not 0 <= int(joint) < NUM_JOINTS or present[int(joint)]:
            continue  # unknown joint, or a repeat: the first point of a joint wins
        joint = int(joint)
        keypoints[joint] = float(_value(point, "x")), float(_value(point, "y"))
        present[joint] = True
        scores[joint] = _score(_value(point, "score"))
    head = [_value(rect, key) for key in ("x1", "y1", "x2", "y2")]
    head_box = tuple(float(v) for v in head) if None not in head else None
    return PosePerson(keypoints, present, scores, _value(rect, "track_id"), head_box)


def _has_points(rect: dict) -> bool:
    """poseval's ``rectHasPoints``: ``annopoints[0]`` exists and holds a ``point`` list."""
    annopoints = rect.get("annopoints")
    return (isinstance(annopoints, list) and len(annopoints) > 0
            and isinstance(annopoints[0], dict) and "point" in annopoints[0])


def frames_from_2017(data: dict) -> list:
    """``{"annolist": [...]}`` -> list of ``PoseFrame`` (SPEC §7.2)."""
    frames = []
    for entry in data["annolist"]:
        rects = entry.get("annorect") or []
        regions = [np.array([[float(_value(p, "x")), float(_value(p, "y"))]
                             for p in region.get("point", [])], float).reshape(-1, 2)
                   for region in entry.get("ignore_regions") or []]
        frames.append(PoseFrame([_person_2017(r) for r in rects if _has_points(r)], len(rects),
                                regions))
    return frames


def _person_2018(annotation: Annotation) -> PosePerson:
    """A joint is absent where x = y = visibility = 0 (poseval)."""
    kps = annotation.keypoints
    present = ~((kps[:, 0] == 0) & (kps[:, 1] == 0) & (kps[:, 2] == 0))
    keypoints = np.where(present[:, None], kps[:, :2], 0.0)
    scores = annotation.scores if annotation.scores is not None else np.full(NUM_JOINTS,
                                                                            MISSING_SCORE)
    scores = np.where(np.isfinite(scores), scores, MISSING_SCORE)  # null or NaN: no score
    head_box = None
    if annotation.head_box_xywh is not None:
        head_box = xywh_to_xyxy([float(v) for v in annotation.head_box_xywh])
    return PosePerson(keypoints, present, np.where(present, scores, np.nan),
                      annotation.track_id, head_box)


def frames_from_2018(data: dict) -> list:
    """``{"images", "annotations", "categories"}`` -> list of ``PoseFrame`` in ``images`` order,
    read with the one PoseTrack'18 reader (``lib.formats.posetrack.annotations18``).

    No frame-id table is needed: annotations join images by ``image_id`` and the frame order is
    the order of ``images``.
    """
    people = annotations18(data)
    frames = []
    for image in data["images"]:
        persons = [_person_2018(a) for a in people[image_key(image.get("id"))]]
        regions = [np.array(list(zip(xs, ys)), float).reshape(-1, 2) for xs, ys in
                   zip(image.get("ignore_regions_x") or [], image.get("ignore_regions_y") or [])]
        frames.append(PoseFrame(persons, len(persons), regions))
    return frames


def read_frames(path: Path) -> list:
    """One sequence file of either format -> list of ``PoseFrame``; bad content names the file."""
    data = load_json(path)
    try:
        if not isinstance(data, dict) or not ("annolist" in data or "images" in data):
            raise ValueError("neither 'annolist' (PoseTrack 2017) nor 'images' (2018) at the top")
        return frames_from_2017(data) if "annolist" in data else frames_from_2018(data)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as err:
        raise LightTrackError(f"{path}: malformed PoseTrack file ({type(err).__name__}: {err})") \
            from err


def _check_track_ids(frames: list, path: Path, *, unique: bool) -> None:
    """Track ids are integers below ``MAX_TRACK_ID``; with ``unique`` also distinct per frame."""
    for frame_idx, frame in enumerate(frames):
        ids = []
        for person in frame.persons:
            track_id = person.track_id
            if isinstance(track_id, float) and track_id.is_integer():
                track_id = person.track_id = int(track_id)
            if isinstance(track_id, bool) or not isinstance(track_id, int):
                raise LightTrackError(f"{path}: frame {frame_idx} has track_id {track_id!r}; "
                                      "every person needs an integer track_id for tracking")
            if track_id >= MAX_TRACK_ID:
                raise LightTrackError(f"{path}: frame {frame_idx} has track_id {track_id}; "
                                      f"ids must be below {MAX_TRACK_ID}")
            ids.append(track_id)
        if unique and len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise LightTrackError(f"{path}: frame {frame_idx} gives track ids {twice} to more "
                                  "than one person; ids must be unique within a frame")


def _drop_ignored(persons: list, polygons: list) -> list:
    """Joints inside any polygon are removed, then persons left without joints."""
    kept = []
    for person in persons:
        inside = np.zeros(NUM_JOINTS, bool)
        for polygon in polygons:
            inside |= shapely.contains_xy(polygon, person.keypoints[:, 0], person.keypoints[:, 1])
        present = person.present & ~inside
        if present.any():
            kept.append(replace(person, present=present))
    return kept


def cleanup(gt: list, pred: list) -> tuple:
    """poseval's cleanup (SPEC §7.3) of one sequence: (gt frames, pred frames), same length.

    GT frames without any annorect go, with the prediction frame at the same index; in frames
    whose GT lists ignore regions, points inside a region (shapely ``contains``) are removed from
    both sides and persons left with no point are removed.
    """
    keep = [i for i, frame in enumerate(gt) if frame.num_rects > 0]
    gt, pred = [gt[i] for i in keep], [pred[i] for i in keep]
    for idx, (gt_frame, pred_frame) in enumerate(zip(gt, pred)):
        if not gt_frame.ignore_regions:
            continue
        polygons = [Polygon(r) for r in gt_frame.ignore_regions if len(r) >= 3]
        gt[idx] = replace(gt_frame, persons=_drop_ignored(gt_frame.persons, polygons))
        pred[idx] = replace(pred_frame, persons=_drop_ignored(pred_frame.persons, polygons))
    return gt, pred


def load_sequences(gt_dir, pred_dir, *, check_track_ids: bool = True) -> list:
    """Every ``*.json`` of ``gt_dir`` (sorted by name) with the same-named file of ``pred_dir``.

    Returns a list of ``Sequence`` after cleanup. ``check_track_ids`` (needed for tracking):
    ids are integers < 10000, predicted ids unique within a frame; sequence i adds i * 10000 to
    every id. Raises LightTrackError for a missing or malformed file or mismatched frame counts.
    """
    gt_dir, pred_dir = Path(gt_dir), Path(pred_dir)
    for folder, what in ((gt_dir, "ground-truth"), (pred_dir, "prediction")):
        if not folder.is_dir():
            raise LightTrackError(f"{what} folder {folder} does not exist")
    gt_paths = sorted(gt_dir.glob("*.json"))
    if not gt_paths:
        raise LightTrackError(f"no *.json files in the ground-truth folder {gt_dir}")
    sequences = []
    for seq_idx, gt_path in enumerate(gt_paths):
        pred_path = pred_dir / gt_path.name
        if not pred_path.is_file():
            raise LightTrackError(f"prediction file {pred_path} is missing: every ground-truth "
                                  f"file needs a prediction file of the same name")
        gt, pred = read_frames(gt_path), read_frames(pred_path)
        if len(gt) != len(pred):
            raise LightTrackError(f"sequence {gt_path.stem}: {len(pred)} prediction frames in "
                                  f"{pred_path} but {len(gt)} ground-truth frames in {gt_path}; "
                                  "write one prediction frame per ground-truth frame, in order")
        _check_head_boxes(gt, gt_path)
        if any((p.scores[p.present] == MISSING_SCORE).any() for f in pred for p in f.persons):
            log.warning("%s: joints without a score get %s (ranked last)", pred_path, MISSING_SCORE)
        if check_track_ids:
            _check_track_ids(gt, gt_path, unique=False)
            _check_track_ids(pred, pred_path, unique=True)
            for person in (p for frame in gt + pred for p in frame.persons):
                person.track_id += seq_idx * MAX_TRACK_ID
        sequences.append(Sequence(gt_path.stem, *cleanup(gt, pred)))
    return sequences


def _check_head_boxes(frames: list, path: Path) -> None:
    """Every GT person with a joint needs its head box (the PCKh reference length)."""
    for frame_idx, frame in enumerate(frames):
        if any(p.head_box is None and p.present.any() for p in frame.persons):
            raise LightTrackError(f"{path}: a person in frame {frame_idx} has keypoints but no "
                                  "head box (x1, y1, x2, y2 in 2017 files, bbox_head in 2018)")

"""Hand-made PoseTrack sequences written as 2017 (annolist) or 2018 (COCO-like) files for the tests.

A sequence is a list of frames; a frame is a list of people; a person is a dict with ``track_id``,
``keypoints`` (15, 2), optional ``present`` (15,) bool, ``scores`` (15,) and ``head`` (x1, y1,
x2, y2; ground truth only).
"""
import json

import numpy as np

from lib.joints import JOINT_NAMES, POSETRACK18_KEYPOINTS

HEAD = (0.0, 0.0, 30.0, 40.0)  # diagonal 50 -> head size 30 px -> PCKh threshold 15 px


def skeleton(x, y):
    """(15, 2) joints of a standing person whose head top is at (x, y); about 40 x 120 px."""
    offsets = np.array([[-10, 120], [-10, 90], [-10, 60], [10, 60], [10, 90], [10, 120],
                        [-20, 60], [-20, 40], [-15, 20], [15, 20], [20, 40], [20, 60],
                        [0, 15], [0, 8], [0, 0]], float)
    return offsets + [x, y]


def person(track_id, keypoints, *, score=1.0, present=None, head=HEAD):
    keypoints = np.asarray(keypoints, float)
    present = np.ones(15, bool) if present is None else np.asarray(present, bool)
    scores = np.broadcast_to(np.asarray(score, float), (15,)).copy()
    return {"track_id": track_id, "keypoints": keypoints, "present": present, "scores": scores,
            "head": head}


def _annorect(p, gt):
    points = []
    for joint in np.flatnonzero(p["present"]):
        point = {"id": [int(joint)], "x": [float(p["keypoints"][joint, 0])],
                 "y": [float(p["keypoints"][joint, 1])]}
        point.update({"is_visible": [1]} if gt else {"score": [float(p["scores"][joint])]})
        points.append(point)
    rect = {"track_id": [p["track_id"]], "annopoints": [{"point": points}]}
    if gt:
        rect.update({k: [v] for k, v in zip(("x1", "y1", "x2", "y2"), p["head"])})
    return rect


def annolist(frames, *, gt, regions=None):
    """PoseTrack 2017 file content; ``regions``: {frame index: [polygon [(x, y), ...], ...]}."""
    entries = []
    for idx, people in enumerate(frames):
        entry = {"image": [{"name": f"images/val/seq/{idx:06d}.jpg"}],
                 "annorect": [_annorect(p, gt) for p in people]}
        if regions and idx in regions:
            entry["ignore_regions"] = [{"point": [{"x": [x], "y": [y]} for x, y in polygon]}
                                       for polygon in regions[idx]]
        entries.append(entry)
    return {"annolist": entries}


def _annotation(p, image_id, gt):
    values, scores = [], []
    for name in POSETRACK18_KEYPOINTS:
        joint = JOINT_NAMES.index(name) if name in JOINT_NAMES else None
        if joint is None or not p["present"][joint]:
            values += [0, 0, 0]
            scores.append(0.0)
        else:
            values += [float(p["keypoints"][joint, 0]), float(p["keypoints"][joint, 1]), 1]
            scores.append(float(p["scores"][joint]))
    annotation = {"image_id": image_id, "track_id": p["track_id"], "keypoints": values}
    if gt:
        x1, y1, x2, y2 = p["head"]
        annotation["bbox_head"] = [x1, y1, x2 - x1, y2 - y1]
    else:
        annotation["scores"] = scores
    return annotation


def coco18(frames, *, gt, regions=None):
    """PoseTrack 2018 file content with the 17 slots of PoseTrack'18 files."""
    images, annotations = [], []
    for idx, people in enumerate(frames):
        image = {"id": 10000 + idx, "file_name": f"images/val/seq/{idx:06d}.jpg", "frame_id": idx}
        if regions and idx in regions:
            image["ignore_regions_x"] = [[x for x, _ in polygon] for polygon in regions[idx]]
            image["ignore_regions_y"] = [[y for _, y in polygon] for polygon in regions[idx]]
        images.append(image)
        annotations += [_annotation(p, 10000 + idx, gt) for p in people]
    return {"images": images, "annotations": annotations,
            "categories": [{"name": "person", "keypoints": list(POSETRACK18_KEYPOINTS)}]}


def write_pair(root, name, gt_frames, pred_frames, *, fmt="2017", regions=None):
    """Write ``root/gt/<name>.json`` and ``root/pred/<name>.json``; returns (gt_dir, pred_dir)."""
    build = annolist if fmt == "2017" else coco18
    gt_dir, pred_dir = root / "gt", root / "pred"
    gt_dir.mkdir(parents=True, exist_ok=True)
    pred_dir.mkdir(parents=True, exist_ok=True)
    (gt_dir / f"{name}.json").write_text(json.dumps(build(gt_frames, gt=True, regions=regions)))
    (pred_dir / f"{name}.json").write_text(json.dumps(build(pred_frames, gt=False)))
    return gt_dir, pred_dir


def as_predictions(frames, score=1.0):
    """The ground truth itself as predictions: same ids and joints, one score for all."""
    return [[person(p["track_id"], p["keypoints"], score=score, present=p["present"])
             for p in people] for people in frames]


def walking_people(num_frames, num_people, *, step=4.0, spacing=100.0):
    """GT of ``num_people`` people ``spacing`` px apart walking right ``step`` px a frame."""
    return [[person(i + 1, skeleton(50 + i * spacing + t * step, 20)) for i in range(num_people)]
            for t in range(num_frames)]


def crossing(num_frames=20, step=10.0):
    """People 1 and 2 walk towards each other and cross at frame 10; person 3 stands apart."""
    return [[person(1, skeleton(40 + t * step, 20)), person(2, skeleton(240 - t * step, 20)),
             person(3, skeleton(420, 30))] for t in range(num_frames)]

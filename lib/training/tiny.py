"""Stick-figure scenes with keypoint annotations, for tests and smoke training (numpy + OpenCV).

Each person is a jittered standing template in COCO's 17-keypoint order, drawn with limbs and
one distinct colour disc per keypoint. Everything follows from the seed.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from lib.formats.jsonfile import write_json
from lib.training.annotations import COCO_SOURCES

IMAGE_SIZE = (256, 320)  # (H, W)
# COCO keypoints of a standing person facing the camera, in units of its height (x right, y down)
TEMPLATE = np.array([
    (0, .08), (.03, .06), (-.03, .06), (.06, .07), (-.06, .07), (.12, .2), (-.12, .2),
    (.17, .35), (-.17, .35), (.19, .5), (-.19, .5), (.08, .52), (-.08, .52), (.09, .73),
    (-.09, .73), (.1, .95), (-.1, .95)])
LIMBS = ((5, 7), (7, 9), (6, 8), (8, 10), (5, 6), (11, 12), (5, 11), (6, 12), (11, 13),
         (13, 15), (12, 14), (14, 16), (0, 5), (0, 6))
COCO_NAMES = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
              "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
              "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
# one BGR colour per COCO keypoint, far apart from each other and from the grey background
KEYPOINT_COLORS = tuple(tuple(int(c) for c in cv2.cvtColor(
    np.uint8([[[int(180 * i / 17), 255, 255]]]), cv2.COLOR_HSV2BGR)[0, 0]) for i in range(17))


def render_scene(rng: np.random.Generator, num_persons: int, image_size=IMAGE_SIZE):
    """A grey image with ``num_persons`` stick figures -> (image BGR (H, W, 3) uint8,
    keypoints (P, 17, 3) x, y, v as COCO: v = 2 visible, 1 hidden, 0 unannotated at (0, 0))."""
    height, width = image_size
    image = np.full((height, width, 3), 96, np.uint8)
    persons = []
    for slot in range(num_persons):  # side by side, one slot of the width each
        size = rng.uniform(0.45, 0.85) * height
        points = TEMPLATE + rng.normal(0, 0.015, TEMPLATE.shape)
        centre_x = (slot + rng.uniform(0.35, 0.65)) / num_persons * width
        points = points * size + (centre_x, rng.uniform(0.05, 0.1) * height)
        for a, b in LIMBS:
            cv2.line(image, tuple(np.int32(points[a])), tuple(np.int32(points[b])),
                     (200, 200, 200), max(2, int(size / 40)), cv2.LINE_AA)
        for k, (x, y) in enumerate(points):
            cv2.circle(image, (int(x), int(y)), max(3, int(size / 50)), KEYPOINT_COLORS[k], -1)
        keypoints = np.concatenate([points, np.full((17, 1), 2.0)], axis=1)
        keypoints[rng.random(17) < 0.1, 2] = 1
        missing = rng.random(17) < 0.08  # some unannotated, half-annotated pairs included
        keypoints[missing] = 0
        persons.append(keypoints)
    return image, np.array(persons).reshape(-1, 17, 3)


def _scenes(sizes: dict, seed: int):
    rng = np.random.default_rng(seed)
    for split, num_images in sizes.items():
        for index in range(num_images):
            image, persons = render_scene(rng, int(rng.integers(1, 4)))
            yield split, f"{split}_{index:04d}.jpg", image, persons


def write_tiny_coco(out_dir, sizes: dict, seed: int = 0) -> int:
    """Write the COCO-format set under ``out_dir`` (``sizes``: split -> number of images);
    return the number of persons. The first train image also holds a crowd annotation."""
    out_dir = Path(out_dir)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    files = {split: {"images": [], "annotations": [], "categories": [{
        "id": 1, "name": "person", "supercategory": "person", "keypoints": list(COCO_NAMES),
        "skeleton": [[a + 1, b + 1] for a, b in LIMBS]}]} for split in sizes}
    count = 0
    for split, name, image, persons in _scenes(sizes, seed):
        cv2.imwrite(str(out_dir / "images" / name), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
        data = files[split]
        image_id = len(data["images"]) + 1
        data["images"].append({"id": image_id, "file_name": name, "height": image.shape[0],
                               "width": image.shape[1]})
        for keypoints in persons:
            labelled = keypoints[keypoints[:, 2] > 0]
            x0, y0 = labelled[:, :2].min(axis=0)
            x1, y1 = labelled[:, :2].max(axis=0)
            data["annotations"].append({
                "id": len(data["annotations"]) + 1, "image_id": image_id, "category_id": 1,
                "iscrowd": 0, "num_keypoints": int(len(labelled)), "area": float((x1 - x0) * (y1 - y0)),
                "bbox": [float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                "keypoints": [round(float(v), 2) for v in keypoints.ravel()]})
            count += 1
        if split == "train" and image_id == 1:
            data["annotations"].append({
                "id": len(data["annotations"]) + 1, "image_id": 1, "category_id": 1,
                "iscrowd": 1, "num_keypoints": 0, "area": 100.0, "bbox": [0, 0, 10, 10],
                "keypoints": [0] * 51})
    for split, data in files.items():
        write_json(out_dir / "annotations" / f"person_keypoints_{split}.json", data)
    return count


def _posetrack_rect(keypoints: np.ndarray) -> dict:
    """COCO keypoints (17, 3) -> a PoseTrack'17 annorect with the 15 joints."""
    points = [{"id": [target], "x": [float(keypoints[source, 0])],
               "y": [float(keypoints[source, 1])], "is_visible": [int(keypoints[source, 2] > 1)]}
              for target, source in COCO_SOURCES.items() if keypoints[source, 2] > 0]
    nose, shoulders = keypoints[0], keypoints[5:7]
    if np.all(shoulders[:, 2] > 0):  # neck and head top where their sources are annotated
        neck = shoulders[:, :2].mean(axis=0)
        points.append({"id": [12], "x": [float(neck[0])], "y": [float(neck[1])],
                       "is_visible": [1]})
        if nose[2] > 0:
            points.append({"id": [14], "x": [float(nose[0])],
                           "y": [float(2 * nose[1] - neck[1])], "is_visible": [1]})
    return {"annopoints": [{"point": points}], "track_id": [0]}


def write_tiny_posetrack(out_dir, sizes: dict, seed: int = 0) -> int:
    """Write the same scenes as PoseTrack'17 ``annolist`` files; return the number of persons."""
    out_dir = Path(out_dir)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    annolists = {split: [] for split in sizes}
    count = 0
    for split, name, image, persons in _scenes(sizes, seed):
        cv2.imwrite(str(out_dir / "images" / name), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
        rects = [_posetrack_rect(keypoints) for keypoints in persons]
        annolists[split].append({"image": [{"name": f"images/{name}"}], "annorect": rects,
                                 "imgnum": [len(annolists[split]) + 1], "is_labeled": [1]})
        count += len(rects)
    for split, annolist in annolists.items():
        write_json(out_dir / f"posetrack_merged_{split}.json", {"annolist": annolist})
    return count

"""Reference for bench_tracker.py: the published demo loop's own per-frame logic (SPEC §1.4-1.9,
lists of dicts, 45-vectors, placeholder boxes, the lost-target rewind), driven by the same replay
components, so both are timed on this machine and input. Not used by the project itself."""
from __future__ import annotations

import numpy as np

PLACEHOLDER = [0, 0, 2, 2]


def enlarge_bbox(bbox, scale):
    min_x, min_y, max_x, max_y = bbox
    margin_x, margin_y = int(0.5 * scale * (max_x - min_x)), int(0.5 * scale * (max_y - min_y))
    margin_x, margin_y = (2 if margin_x < 0 else margin_x), (2 if margin_y < 0 else margin_y)
    min_x, max_x, min_y, max_y = min_x - margin_x, max_x + margin_x, min_y - margin_y, max_y + margin_y
    width, height = max_x - min_x, max_y - min_y
    if max_y < 0 or max_x < 0 or width <= 0 or height <= 0 or width > 2000 or height > 2000:
        return [0, 0, 2, 2]
    return [min_x, min_y, max_x, max_y]


def to_xywh(b):
    return [b[0], b[1], int(b[2]) - int(b[0]), int(b[3]) - int(b[1])]


def to_xyxy(b):
    return [b[0], b[1], b[0] + b[2], b[1] + b[3]]


def bbox_from_keypoints(keypoints):
    if keypoints == [] or keypoints == [0] * 45:
        return [0, 0, 2, 2]
    xs = [keypoints[3 * j] for j in range(15) if keypoints[3 * j + 2] not in (0, 3)]
    ys = [keypoints[3 * j + 1] for j in range(15) if keypoints[3 * j + 2] not in (0, 3)]
    return to_xywh(enlarge_bbox([min(xs), min(ys), max(xs), max(ys)], 0.2))


def iou(a, b):
    xa, ya, xb, yb = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, xb - xa + 1) * max(0, yb - ya + 1)
    area_a, area_b = (a[2] - a[0] + 1) * (a[3] - a[1] + 1), (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    return inter / float(area_a + area_b - inter)


def is_target_lost(keypoints):
    return np.mean(sorted(keypoints[2::3])[-4:]) < 0.6


def published_loop(images, detect, pose, interval):
    """Track ``images`` as the published video demo does; returns the per-frame records.

    detect(image) -> boxes (N, 4) xyxy; pose(image, bbox_xywh) -> 45-vector (the published
    ``inference_keypoints``, whose time the published statistics count as pose time)."""
    history, next_id, flag, img_id = [], 0, False, -1
    while img_id < len(images) - 1:
        img_id += 1
        image, records = images[img_id], []
        if img_id % interval == 0 or flag:
            flag = False
            boxes = detect(image)
            if len(boxes) == 0:
                history.append([{"track_id": None, "bbox": PLACEHOLDER, "keypoints": []}])
                flag = True
                continue
            previous = list(history[img_id - 1]) if img_id > 0 else []
            for det_id, box in enumerate(boxes.tolist()):
                bbox = to_xywh(enlarge_bbox(box, 0.2))
                if bbox == PLACEHOLDER or bbox[2] <= 0 or bbox[3] <= 0:
                    records.append({"track_id": None, "bbox": PLACEHOLDER, "keypoints": []})
                    continue
                kps, track_id = pose(image, bbox), -1
                if img_id == 0:
                    track_id, next_id = next_id, next_id + 1
                else:
                    best, best_index = 0, -1
                    for index, prev in enumerate(previous):
                        value = iou(to_xyxy(bbox), to_xyxy(prev["bbox"]))
                        if value > best:
                            best, best_index = value, index
                    if best > 0.3:
                        track_id = previous.pop(best_index)["track_id"]
                records.append({"det_id": det_id, "track_id": track_id, "bbox": bbox, "keypoints": kps})
            for record in records:
                if record["track_id"] == -1:
                    record["track_id"], next_id = next_id, next_id + 1
        else:
            for prev in history[img_id - 1]:
                bbox = bbox_from_keypoints(prev["keypoints"])
                kps = pose(image, bbox)
                if is_target_lost(kps):
                    flag, img_id = True, img_id - 1
                    break
                records.append({"track_id": prev["track_id"], "bbox": bbox, "keypoints": kps})
            if flag:
                continue
        history.append(records)
    return history

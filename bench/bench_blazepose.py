"""Speed of the ai-edge-litert pose estimators per person (BlazePose, MoveNet lightning,
thunder and thunder with an int8 backbone): keyframe boxes (for BlazePose: pose detector +
landmark model) and tracked boxes (for BlazePose: landmark model only; MoveNet is the same
either way), for 1 to 6 persons per call, on the portrait photos pasted into a 640x360 frame.
The last line is one JSON object."""
from __future__ import annotations

import argparse
import json
import time

import cv2
import numpy as np
import skimage.data

from lib import components, geometry
from lib.cli import run_main

ESTIMATORS = ("blazepose", "movenet-lightning", "movenet-thunder", "movenet-thunder-int8")


def scene() -> tuple[np.ndarray, np.ndarray]:
    """A frame with three portraits side by side and their enlarged person boxes (3, 4)."""
    frame = np.full((360, 640, 3), 110, np.uint8)
    images = [skimage.data.astronaut()[..., ::-1],
              cv2.cvtColor(skimage.data.camera(), cv2.COLOR_GRAY2BGR),
              skimage.data.astronaut()[:, ::-1, ::-1]]
    boxes = []
    for x, image in zip((10, 220, 430), images):
        image = cv2.resize(image, (200, 200), interpolation=cv2.INTER_AREA)
        frame[160:360, x:x + 200] = image
        boxes.append(geometry.enlarge_box((x, 160, x + 190, 359), 0.2))
    return frame, np.array(boxes)


def best_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def per_person_ms(estimator, frame, boxes, repeats: int) -> tuple[float, float]:
    """(keyframe, tracked) milliseconds per person: one call on ``boxes`` after ``reset``, and
    one call on the boxes the tracker builds from the previous call's keypoints, each box
    continuing its track."""
    track_ids = list(range(len(boxes)))

    def keyframe():
        estimator.reset()
        estimator.estimate(frame, boxes)

    def tracked():
        tracked_boxes = geometry.boxes_from_keypoints(keypoints[0], 0.2)
        keypoints[0] = estimator.estimate(frame, np.array(tracked_boxes), track_ids)

    keyframe_ms = best_ms(keyframe, repeats)
    keypoints = [estimator.estimate(frame, boxes)]
    estimator.assign(track_ids)
    return keyframe_ms / len(boxes), best_ms(tracked, repeats) / len(boxes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10, help="runs per setting; best is kept")
    args = parser.parse_args()
    frame, boxes = scene()
    result = {}
    for name in ESTIMATORS:
        estimator = components.build("pose", name)
        for num in (1, 2, 4, 6):
            batch = np.concatenate([boxes, boxes])[:num]
            key_ms, track_ms = per_person_ms(estimator, frame, batch, args.repeats)
            result[f"{name}_keyframe_ms_per_person_{num}"] = round(key_ms, 1)
            result[f"{name}_tracked_ms_per_person_{num}"] = round(track_ms, 1)
            print(f"{name}, {num} persons per call: {key_ms:.1f} ms/person at keyframes, "
                  f"{track_ms:.1f} ms/person tracked")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

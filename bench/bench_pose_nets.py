"""Speed of the TF2 pose networks on this CPU: milliseconds per person for a whole
``estimate`` call (crop, flip test in one forward pass, decoding) with 1 and with 6 persons,
random weights. The last line is one JSON object."""
from __future__ import annotations

import argparse
import importlib
import json
import time

import numpy as np

from lib import components
from lib.cli import run_main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pose", nargs="+", default=["mobile_deconv", "cpn101", "msra152"],
                        choices=["mobile_deconv", "cpn101", "msra152"], help="networks to time")
    parser.add_argument("--persons", type=int, nargs="+", default=[1, 6],
                        help="persons per frame")
    parser.add_argument("--repeats", type=int, default=2, help="timed calls; the best is kept")
    return parser.parse_args()


def frame_and_boxes(num_persons: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 720p noise frame and ``num_persons`` person-shaped boxes (N, 4) xyxy."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    x1, y1 = rng.uniform(0, 1000, num_persons), rng.uniform(0, 300, num_persons)
    w, h = rng.uniform(80, 250, num_persons), rng.uniform(200, 400, num_persons)
    return image, np.stack([x1, y1, x1 + w, y1 + h], axis=1)


def ms_per_person(estimator, num_persons: int, repeats: int) -> float:
    image, boxes = frame_and_boxes(num_persons)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.estimate(image, boxes)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / num_persons


def main() -> int:
    args = parse_args()
    result = {}
    for name in args.pose:
        module_name, class_name = components.TABLE["pose"][name]
        estimator = getattr(importlib.import_module(module_name), class_name).with_random_weights()
        estimator.estimate(*frame_and_boxes(1))  # trace the tf.function once
        for num in args.persons:
            result[f"{name}_ms_per_person_{num}p"] = round(ms_per_person(estimator, num,
                                                                         args.repeats), 1)
            print(f"{name}: {num} person(s), {result[f'{name}_ms_per_person_{num}p']} ms/person "
                  "(crop + flip test + decode)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

"""Milliseconds per 640x360 frame of each keyframe detector (YOLOv3, YOLOv3-tiny, SSDLite,
NanoDet, NanoDet with tiles).

YOLOv3 models use the published weights when they are in weights/YOLOv3/, otherwise random
weights of the same cfg (the time does not depend on the values). SSDLite and NanoDet are skipped,
with a note, when their module or weights are missing. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from detector import darknet_cfg
from detector.darknet_weights import random_darknet_weights, write_darknet_weights
from detector.yolov3 import YOLOv3Detector, YOLOv3TinyDetector
from lib import components
from lib.cli import run_main
from lib.errors import LightTrackError


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed frames per detector "
                        "after one warm-up frame; the median is reported")
    parser.add_argument("--threads", type=int, help="torch threads for the YOLOv3 models "
                        "(default: the detector's own, min(2, CPU count))")
    return parser.parse_args()


def ms_per_frame(detector, image: np.ndarray, repeats: int) -> float:
    detector.detect(image)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        detector.detect(image)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def build_yolo(cls, folder: Path, num_threads: int | None):
    """``cls`` with the published weights if present, else with random ones in ``folder``."""
    weights_path = Path(cls.default_weights)
    if weights_path.is_file():
        print(f"{cls.__name__}: published weights {weights_path}")
    else:
        weights_path = folder / weights_path.name
        write_darknet_weights(weights_path, random_darknet_weights(
            darknet_cfg.parse_cfg(cls.default_cfg)))
        print(f"{cls.__name__}: random weights (no published file in weights/YOLOv3/; "
              "the time does not depend on the values)")
    return cls(weights_path=weights_path, num_threads=num_threads)


def main() -> int:
    args = parse_args()
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
    result: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, cls in (("yolov3", YOLOv3Detector), ("yolov3-tiny", YOLOv3TinyDetector)):
            detector = build_yolo(cls, Path(folder), args.threads)
            result[name] = round(ms_per_frame(detector, image, args.repeats), 1)
            print(f"{name}: {result[name]} ms per 640x360 frame")
            del detector
    for name in ("ssdlite", "nanodet", "nanodet-tiled"):
        try:
            detector = components.build("detector", name)
        except (ImportError, LightTrackError, OSError) as err:
            print(f"{name} skipped: {err}")
            result[name] = None
        else:
            result[name] = round(ms_per_frame(detector, image, args.repeats), 1)
            print(f"{name}: {result[name]} ms per 640x360 frame")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

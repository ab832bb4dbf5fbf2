"""Speed of the SSDLite detector on 640x360 frames of the sample clip (TensorFlow, CPU):
median milliseconds per ``detect`` call after a warm-up. The last line is one JSON object."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from detector.ssdlite import SSDLiteDetector  # noqa: E402
from lib.sample_clip import SampleClip  # noqa: E402


def ms_per_frame(detector: SSDLiteDetector, images: list[np.ndarray]) -> float:
    """Median wall time of one ``detect`` over ``images``, in milliseconds."""
    detector.detect(images[0])
    times = []
    for image in images:
        start = time.perf_counter()
        detector.detect(image)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=50, help="frames timed")
    parser.add_argument("--intra-op-threads", type=int, default=2, help="TF intra-op threads")
    args = parser.parse_args()
    clip = SampleClip()
    images = [clip.frame(i * clip.num_frames // args.frames) for i in range(args.frames)]
    detector = SSDLiteDetector(intra_op_threads=args.intra_op_threads)
    result = {"ssdlite_ms_per_frame_640x360": round(ms_per_frame(detector, images), 1),
              "intra_op_threads": args.intra_op_threads}
    print(f"SSDLite: {result['ssdlite_ms_per_frame_640x360']} ms per 640x360 frame "
          f"({args.intra_op_threads} intra-op threads)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

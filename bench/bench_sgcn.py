"""SGCN matcher speed, numpy forward against the PyTorch model: in a fresh interpreter the
seconds to import and build the matcher and its peak memory (VmHWM, Linux), then milliseconds
per distance matrix (N candidates x N tracks, one batched forward each). The last line is one
JSON object."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from matcher.sgcn import SGCNMatcher

ROOT = Path(__file__).resolve().parents[1]

SHIPPED_PT = ROOT / "weights" / "GCN" / "sgcn_synthetic.pt"

# builds one matcher in a fresh interpreter; prints seconds, peak RSS in MB, frameworks loaded
STARTUP = """
import sys, time
start = time.perf_counter()
from matcher.sgcn import SGCNMatcher
{build}
seconds = time.perf_counter() - start
from bench.peak_memory import peak_mb
print(seconds, peak_mb(), ','.join(sorted({{'torch', 'tensorflow'}} & set(sys.modules))))
"""
BUILDS = {
    "numpy": "m = SGCNMatcher.from_options()",
    "torch": "from graph.model import TorchEmbedder, load_model\n"
             f"m = SGCNMatcher(TorchEmbedder(load_model({str(SHIPPED_PT)!r})))",
}


def poses(num_people: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(boxes_xyxy (N, 4), keypoints (N, 15, 3)): random joints in 200 px boxes, scores 1."""
    rng = np.random.default_rng(seed)
    corners = rng.uniform(0, 1000, size=(num_people, 1, 2))
    keypoints = np.concatenate([corners + rng.uniform(0, 200, size=(num_people, 15, 2)),
                                np.ones((num_people, 15, 1))], axis=2)
    boxes = np.concatenate([corners[:, 0], corners[:, 0] + 200], axis=1)
    return boxes, keypoints


def ms_per_matrix(matcher: SGCNMatcher, num_people: int, repeats: int) -> float:
    """Median milliseconds of one ``distances`` call, N x N."""
    boxes, keypoints = poses(num_people)
    tracks, track_keypoints = poses(num_people, seed=1)
    matcher.distances(boxes, keypoints, tracks, track_keypoints)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        matcher.distances(boxes, keypoints, tracks, track_keypoints)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def startup(backend: str) -> tuple[float, float, list[str]]:
    """(seconds to import and build, peak MB, frameworks imported) in a fresh interpreter."""
    code = STARTUP.format(build=BUILDS[backend])
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    seconds, peak_mb, *frameworks = out.split()
    return float(seconds), float(peak_mb), frameworks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200, help="timed calls per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 6, 12],
                        help="N for the N x N matrices")
    args = parser.parse_args()
    result = {}
    for backend in BUILDS:
        seconds, peak_mb, frameworks = startup(backend)
        result[f"{backend}_startup_s"] = round(seconds, 2)
        result[f"{backend}_peak_mb"] = round(peak_mb)
        print(f"{backend}: import + build {seconds:.2f} s, peak {peak_mb:.0f} MB, "
              f"frameworks imported: {', '.join(frameworks) or 'none'}")
    from graph.model import TorchEmbedder, load_model  # the reference; torch only here
    matchers = {"numpy": SGCNMatcher.from_options(),
                "torch": SGCNMatcher(TorchEmbedder(load_model(SHIPPED_PT)))}
    for size in args.sizes:
        line = []
        for backend, matcher in matchers.items():
            ms = ms_per_matrix(matcher, size, args.repeats)
            result[f"{backend}_ms_{size}x{size}"] = round(ms, 3)
            line.append(f"{backend} {ms:.3f} ms")
        print(f"{size}x{size} distance matrix: " + ", ".join(line))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

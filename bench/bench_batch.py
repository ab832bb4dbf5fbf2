"""Throughput of the video batch on Ray workers, and Ray's cost per video.

1. Throughput: ``--videos`` copies of the sample clip (``--frames`` frames each) tracked with the
   default components (SSDLite, BlazePose, SGCN) by 1 and 2 Ray workers (and ``--serial``: here,
   without Ray): total frames/s over the batch's wall clock once every worker has loaded its
   models (Ray's start and the model loading are reported apart).
2. Overhead: many tiny synthetic PoseTrack videos with the oracle (so a video costs almost
   nothing), serial and on one warmed-up Ray worker: the wall-clock seconds per video beyond
   the workers' own tracking time; Ray's cost per video is the difference.
The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from data.synthetic_posetrack import SyntheticOptions, write_dataset
from lib.batch.parallel import RayPool, run_videos, worker_pool
from lib.batch.process import INPUT_DIRS, PoseTrackModels, PoseTrackRun, process_videos
from lib.batch.videos import VideoFilesRun, video_jobs

ROOT = Path(__file__).resolve().parents[1]


def timed_batch(workers: int, run, warm_up) -> dict:
    """Start the pool (Ray's start timed apart), ``warm_up(pool)`` (each worker loads the
    models and tracks a little), then time ``run(pool)`` -> BatchRun; the numbers."""
    with worker_pool(workers) as pool:
        start = time.perf_counter()
        if isinstance(pool, RayPool):
            pool.start()
        ray_start = time.perf_counter() - start
        warm = warm_up(pool)
        batch = run(pool)
    done = [r for r in batch.results if r.status == "done"]
    frames, wall = sum(r.frames for r in done), batch.wall_seconds
    busy = sum(r.load_seconds + r.seconds for r in done)
    return {"workers": workers, "videos": len(done), "frames": frames,
            "ray_start_s": round(ray_start, 2),
            "load_s": round(max((r.load_seconds for r in warm.results), default=0), 2),
            "wall_s": round(wall, 2), "fps": round(frames / wall, 2),
            "overhead_per_video_s": round((wall - busy) / max(len(done), 1), 4)
            if workers <= 1 else None}  # with 2 workers the busy time overlaps


def throughput(workers_list, num_videos: int, num_frames: int, folder: str) -> list[dict]:
    """The default pipeline on copies of the sample clip, workers loaded beforehand."""
    os.makedirs(folder)
    clips = [os.path.join(folder, f"clip{i}.mp4") for i in range(num_videos)]
    for clip in clips:
        shutil.copyfile(ROOT / "data" / "demo" / "sample.mp4", clip)
    rows = []
    for workers in workers_list:
        def warm_up(pool, workers=workers):  # one 2-frame clip per worker
            warm_dir = os.path.join(folder, f"warm_{workers}")
            return run_videos(video_jobs(clips[:max(workers, 1)], warm_dir),
                              VideoFilesRun(max_frames=2), pool=pool, progress=False)

        def batch(pool, workers=workers):
            return run_videos(video_jobs(clips, os.path.join(folder, f"out_{workers}")),
                              VideoFilesRun(max_frames=num_frames), pool=pool, progress=False)
        rows.append(timed_batch(workers, batch, warm_up))
        print(f"throughput, {workers} workers: {rows[-1]}", flush=True)
    return rows


def overhead(num_videos: int, num_frames: int, folder: str) -> list[dict]:
    """Tiny oracle videos (almost free to track), here and on one warmed-up Ray worker."""
    write_dataset(folder, num_videos, num_frames, seed=0,
                  opts=SyntheticOptions(width=320, height=180))
    spec = PoseTrackRun(PoseTrackModels("oracle", folder),
                        image_root=os.path.join(folder, "images", "val"))
    rows = []
    for workers in (0, 1):
        def track(out, pool):
            return process_videos(os.path.join(folder, INPUT_DIRS["gt"]), os.path.join(folder, out),
                                  spec, pool=pool, progress=False)
        rows.append(timed_batch(workers, lambda pool, w=workers: track(f"out_{w}", pool),
                                lambda pool, w=workers: track(f"warm_{w}", pool)))
        print(f"overhead, {workers} workers: {rows[-1]}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=4, help="clips for the throughput runs")
    parser.add_argument("--frames", type=int, default=40, help="frames per clip")
    parser.add_argument("--serial", action="store_true", help="also time the run without Ray")
    parser.add_argument("--tiny-videos", type=int, default=24, help="videos for the overhead runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = throughput(([0] if args.serial else []) + [1, 2], args.videos, args.frames,
                          os.path.join(folder, "clips"))
        costs = overhead(args.tiny_videos, 5, os.path.join(folder, "tiny"))
    speedup = rows[-1]["fps"] / rows[-2]["fps"]
    ray_cost = costs[1]["overhead_per_video_s"] - costs[0]["overhead_per_video_s"]
    print(f"2 workers / 1 worker (models loaded): {speedup:.2f}x; Ray's cost per video: "
          f"{ray_cost * 1000:.1f} ms; Ray's start: {rows[-1]['ray_start_s']:.1f} s")
    print(json.dumps({"cpus": os.cpu_count(), "throughput": rows, "overhead": costs,
                      "speedup_2_over_1": round(speedup, 2),
                      "ray_overhead_per_video_s": round(ray_cost, 4)}))


if __name__ == "__main__":
    main()

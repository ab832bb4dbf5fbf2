"""Score named pipeline configurations on the real-pixel set and a real video: one table.

    python -m bench.eval_real [--realpix data/realpix] [--video data/vtest/vtest.avi]
                              [--rows NAME ...] [--no-timing] [--retime] [--out bench/results]

Per row: mAP, MOTA, HOTA, IDF1, IDSW, recall, precision on the real-pixel PoseTrack'18 set,
frames/s and peak memory (a subprocess per row, uncached models, on the first --timing-frames
frames of the video; stored in data/cache/timing.json, --retime measures again) and the
video's proxy measures. Model outputs are cached in data/cache/, so a warm rerun takes seconds.
Writes <out>/eval_real.md, <out>/eval_real.png and <out>/timelines/<row>.png (the video's
track timeline per row).
"""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from bench import eval_table
from bench.eval_rows import build_tracker, default_rows
from bench.eval_scoring import REALPIX_METRICS, safe, score_posetrack_set, track_video
from bench.model_cache import CACHE_DIR
from lib.cli import run_main
from lib.errors import LightTrackError
from lib.eval.proxy import load_counts, proxy_measures, timeline_png

TIMING_PATH = CACHE_DIR / "timing.json"
TIMING_COLUMNS = ("frames/s", "peak MB")
VIDEO_COLUMNS = ("video tracked/counted", "video count MAE", "video ids", "video ids >= 50 f")


def video_measures(ids_per_frame: list, counts: dict, timeline_path: Path) -> dict:
    """The proxy measures of ``lib.eval.proxy`` as table cells; writes the track timeline."""
    measures = proxy_measures(ids_per_frame, counts)
    timeline_png(ids_per_frame, timeline_path, title=timeline_path.stem,
                 marked_frames=measures.frames)
    return dict(zip(VIDEO_COLUMNS, (f"{measures.tracked_total}/{measures.counted_total}",
                                    measures.count_mae, measures.distinct_ids,
                                    measures.lasting_ids)))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realpix", default="data/realpix", type=Path,
                        help="PoseTrack'18-layout set with GT (default: %(default)s)")
    parser.add_argument("--video", default="data/vtest/vtest.avi", type=Path,
                        help="real video without GT (default: %(default)s)")
    parser.add_argument("--counts", default="data/vtest_counts.json", type=Path,
                        help="people counted by eye on frames of --video (default: %(default)s)")
    parser.add_argument("--rows", nargs="+", metavar="NAME", help="only rows starting so")
    parser.add_argument("--out", default="bench/results", type=Path,
                        help="folder for eval_real.md / eval_real.png (default: %(default)s)")
    parser.add_argument("--no-timing", action="store_true", help="skip frames/s and memory")
    parser.add_argument("--no-video", action="store_true", help="skip the video's proxy measures")
    parser.add_argument("--retime", action="store_true", help="measure speed again")
    parser.add_argument("--timing-frames", type=int, default=150, metavar="N",
                        help="frames of --video timed per row (default: %(default)s)")
    parser.add_argument("--time-row", metavar="NAME", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def time_row(row, video: Path, num_frames: int) -> dict:
    """frames/s of ``row`` (models loaded beforehand, not timed) and this process's peak memory."""
    import cv2

    from lib.video import open_capture, read_frames
    capture = open_capture(str(video))
    tracker = build_tracker(row, None, {}, capture.get(cv2.CAP_PROP_FPS) or 25.0)
    tracker.reset()
    seconds, count = 0.0, 0
    for frame in read_frames(capture, video.stem, max_frames=num_frames):
        start = time.perf_counter()
        tracker.step(frame.image)
        seconds += time.perf_counter() - start
        count += 1
    return {"frames/s": count / seconds, "peak MB": _peak_mb()}


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM, which starts afresh at exec (ru_maxrss keeps
    the parent's peak across fork and exec on Linux, so it is only the fallback)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timings(rows, args) -> dict:
    """row name -> timing dict, measured in a subprocess per row unless stored already."""
    stored = json.loads(TIMING_PATH.read_text()) if TIMING_PATH.is_file() else {}
    result = {}
    for row in rows:
        key = f"{row.signature}|{args.video.name}|{args.timing_frames}"
        if args.retime or key not in stored:
            child = subprocess.run(
                [sys.executable, "-m", "bench.eval_real", "--time-row", row.name, "--video",
                 str(args.video), "--timing-frames", str(args.timing_frames)],
                capture_output=True, text=True)
            if child.returncode != 0:
                print(f"timing {row.name}: {child.stderr.strip().splitlines()[-1:]}")
                continue
            stored[key] = json.loads(child.stdout.strip().splitlines()[-1])
            TIMING_PATH.parent.mkdir(parents=True, exist_ok=True)
            TIMING_PATH.write_text(json.dumps(stored, indent=1))
        result[row.name] = stored[key]
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = default_rows()
    if args.time_row:
        row = next((r for r in rows if r.name == args.time_row), None)
        if row is None:
            raise LightTrackError(f"unknown row {args.time_row!r}")
        print(json.dumps(time_row(row, args.video, args.timing_frames)))
        return 0
    if args.rows:
        rows = [r for r in rows if any(r.name.startswith(prefix) for prefix in args.rows)]
    matchers, skipped = {}, {}
    start = time.perf_counter()
    scores = score_posetrack_set(rows, args.realpix, matchers, skipped)
    measures = {}
    if not args.no_video:
        ids = track_video(rows, args.video, matchers, skipped)
        counts = load_counts(args.counts)
        measures = {name: video_measures(ids_per_frame, counts,
                                         args.out / "timelines" / f"{safe(name)}.png")
                    for name, ids_per_frame in ids.items()}
    for name, reason in skipped.items():
        print(f"skipped {name}: {reason}")
    rows = [r for r in rows if r.name not in skipped]
    speed = {} if args.no_timing else timings(rows, args)
    print(f"scored {len(rows)} rows in {time.perf_counter() - start:.0f} s")
    table = [{"row": r.name, **scores[r.name], **speed.get(r.name, {}),
              **measures.get(r.name, {})}
             for r in rows]
    columns = list(REALPIX_METRICS) + list(TIMING_COLUMNS) + list(VIDEO_COLUMNS)
    print(eval_table.text_table(table, columns))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval_real.md").write_text(eval_table.markdown_table(table, columns) + "\n")
    eval_table.chart(table, args.out / "eval_real.png",
                     f"scores on {args.realpix.name}, frames/s on {args.video.name}")
    print(f"wrote {args.out / 'eval_real.md'} and {args.out / 'eval_real.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

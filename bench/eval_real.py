"""Score named pipeline configurations on the real-pixel set and a real video: one table.

    python -m bench.eval_real [--realpix data/realpix] [--video data/vtest/vtest.avi]
                              [--rows NAME ...] [--joint-thresh 0.3] [--no-timing] [--retime]
                              [--out bench/results]

Per row: mAP, MOTA, HOTA, IDF1, IDSW, recall, precision on the real-pixel PoseTrack'18 set,
frames/s and peak memory (bench/eval_timing.py: a subprocess per row, uncached models, on the
first --timing-frames frames of the video; stored in data/cache/timing.json, --retime measures
again) and the
video's proxy measures. Model outputs are cached in data/cache/, so a warm rerun takes seconds.
Writes <out>/eval_real.md, <out>/eval_real.png and <out>/timelines/<row>.png (the video's
track timeline per row).
"""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from bench import eval_table
from bench.eval_rows import default_rows
from bench.eval_scoring import (JOINT_SCORE_THRESH, REALPIX_METRICS, safe, score_posetrack_set,
                                track_video)
from bench.eval_timing import TIMING_COLUMNS, timings
from lib.cli import run_main
from lib.options import unit_float
from lib.eval.proxy import load_counts, proxy_measures, timeline_png

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
    parser.add_argument("--joint-thresh", type=unit_float, default=JOINT_SCORE_THRESH,
                        metavar="SCORE",
                        help="a predicted joint is scored when its score is above this, for "
                             "every row (default: %(default)s)")
    parser.add_argument("--out", default="bench/results", type=Path,
                        help="folder for eval_real.md / eval_real.png (default: %(default)s)")
    parser.add_argument("--no-timing", action="store_true", help="skip frames/s and memory")
    parser.add_argument("--no-video", action="store_true", help="skip the video's proxy measures")
    parser.add_argument("--retime", action="store_true", help="measure speed again")
    parser.add_argument("--timing-frames", type=int, default=150, metavar="N",
                        help="frames of --video timed per row (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = default_rows()
    if args.rows:
        rows = [r for r in rows if any(r.name.startswith(prefix) for prefix in args.rows)]
    matchers, skipped = {}, {}
    start = time.perf_counter()
    scores = score_posetrack_set(rows, args.realpix, matchers, skipped, args.joint_thresh)
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
    speed = {} if args.no_timing else timings(rows, args.video, args.timing_frames, args.retime)
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

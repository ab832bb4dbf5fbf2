"""Track a collection of videos (files, folders, .txt lists): one OpenSVAI JSON per video.

Videos run in parallel on Ray workers (--workers, default one per core; --address joins a
cluster), or one after the other here with --workers 0; finished videos are skipped on a rerun.
Example: python track_videos.py clips/ more.mp4 --output data/batch
"""
from __future__ import annotations

import argparse

from lib.batch.parallel import add_worker_args, run_videos, worker_pool
from lib.batch.videos import DemoComponents, VideoFilesRun, video_jobs, video_paths
from lib.cli import (DEMO_ASSOCIATION, DEMO_COMPONENTS, add_component_args, check_weights,
                     report_batch, run_main)
from lib.options import positive_int, require_output_dir
from lib.outputs import OutputLock
from lib.tracker import default


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="VIDEO",
                        help="video files, folders of videos, or .txt files listing videos")
    parser.add_argument("--output", default="data/batch", metavar="DIR",
                        help="output folder for <video>.json, created (default: %(default)s)")
    parser.add_argument("--keyframe-interval", type=positive_int,
                        default=default("keyframe_interval"),
                        metavar="N", help="detect people every N frames (default: %(default)s)")
    parser.add_argument("--max-frames", type=positive_int, metavar="N",
                        help="stop each video after N frames")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_worker_args(parser)
    add_component_args(parser, **DEMO_COMPONENTS, match_thresh=default("match_thresh"),
                       association=DEMO_ASSOCIATION)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    jobs = video_jobs(video_paths(args.inputs), args.output)  # checked before a model loads
    check_weights(args)
    require_output_dir(args.output)
    spec = VideoFilesRun(DemoComponents.from_args(args), keyframe_interval=args.keyframe_interval,
                         match_thresh=args.pose_matching_threshold, max_frames=args.max_frames,
                         association=args.association)
    with OutputLock(args.output), worker_pool(args.workers, args.address) as pool:
        batch = run_videos(jobs, spec, pool=pool, progress=not args.quiet)
    code = report_batch(batch)
    print(f"outputs in {args.output}")
    return code


if __name__ == "__main__":
    raise SystemExit(run_main(main))

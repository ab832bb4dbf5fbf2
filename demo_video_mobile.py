"""Track every person of a video: OpenSVAI JSON, rendered video, timing statistics and charts,
shown live in a window when a display is available (q or Esc stops).

Example: python demo_video_mobile.py --video data/demo/sample.mp4
"""
from __future__ import annotations

import argparse
import os

from lib.cli import run_main
from lib.demo import add_demo_args, run_demo, summary
from lib.live import is_live_source
from lib.video import open_capture


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--video", "--video_path", dest="video",
                        default="data/demo/sample.mp4",
                        help="video file to track (default: the bundled sample clip, built by "
                        "make demo)")
    add_demo_args(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    capture = open_capture(args.video)
    name = os.path.splitext(os.path.basename(args.video))[0]
    stats, paths = run_demo(args, capture, name, folder=os.path.splitext(args.video)[0],
                            live=is_live_source(args.video))
    print(summary(stats, paths, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

"""Track every person seen by a webcam (or any OpenCV source: file, RTSP/HTTP URL) live.

Shows a window when a display is available and keeps only the newest frame (--realtime); stops
cleanly, with every output finalised, when the source ends or drops, or on q / Esc / Ctrl-C.
Example: python demo_camera_mobile.py --camera 0
"""
from __future__ import annotations

import argparse
import os

from lib.cli import run_main
from lib.demo import add_demo_args, run_demo, summary
from lib.errors import LightTrackError
from lib.live import is_live_source
from lib.video import open_capture


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--camera", default="0",
                        help="camera index, video file or stream URL (default: %(default)s)")
    add_demo_args(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    source = int(args.camera) if args.camera.isdigit() else args.camera
    capture = open_capture(source)
    name = f"camera{source}" if isinstance(source, int) else \
        os.path.splitext(os.path.basename(source))[0] or "stream"
    stats, paths = run_demo(args, capture, name, folder=name, live=is_live_source(source),
                            require_frames=False)
    if stats.num_frames == 0:
        raise LightTrackError(f"no frame could be read from camera source {args.camera!r}")
    print(summary(stats, paths, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

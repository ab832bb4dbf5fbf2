"""Track every person seen by a webcam (or any OpenCV source: file, RTSP/HTTP URL) live.

Stops cleanly, with the JSON and video finalised, when the source ends or drops, or on q / Ctrl-C.
Example: python demo_camera_mobile.py --camera 0
"""
from __future__ import annotations

import argparse
import os

from lib.cli import run_main
from lib.demo import add_demo_args, run_demo
from lib.errors import LightTrackError
from lib.video import display_available, open_capture


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--camera", default="0",
                        help="camera index, video file or stream URL (default: %(default)s)")
    parser.add_argument("--no-display", action="store_true",
                        help="do not open a window (automatic when no display is available)")
    add_demo_args(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    source = int(args.camera) if args.camera.isdigit() else args.camera
    display = not args.no_display and display_available()
    if not args.no_display and not display:
        print("no display available: running without a window (--no-display)")
    capture = open_capture(source)
    name = f"camera{source}" if isinstance(source, int) else \
        os.path.splitext(os.path.basename(source))[0] or "stream"
    stats, paths = run_demo(args, capture, name, folder=name, display=display,
                            require_frames=False)
    if stats.num_frames == 0:
        raise LightTrackError(f"no frame could be read from camera source {args.camera!r}")
    print(stats.report())
    print(f"\nwrote {paths['json']}" + ("" if args.no_visualize else f" and {paths['video']}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

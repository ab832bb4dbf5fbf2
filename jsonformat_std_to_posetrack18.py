"""Convert the tracker's OpenSVAI JSONs into PoseTrack 2017 or 2018 files for poseval.

For every GT file <video>.json the tracker output of the same name is read and written, with
the same name, into the (created) output folder.
Example: python jsonformat_std_to_posetrack18.py -e 0.4 -r 0.8 -m track -f 17
"""
from __future__ import annotations

import argparse
import os

from lib.batch.process import DATA_ROOT, RESULTS_DIR
from lib.cli import run_main
from lib.options import require_output_dir, unit_float
from lib.outputs import OutputLock
from lib.formats.posetrack import convert_folder


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-e", "--bbox_thresh", type=unit_float, default=0.0,
                        help="skip candidates whose det_score is below this (default: %(default)s)")
    parser.add_argument("-r", "--drop_thresh", type=unit_float, default=0.0,
                        help="drop keypoints whose score is <= this (default: %(default)s)")
    parser.add_argument("-m", "--mode", default="pose", choices=["track", "pose"],
                        help="track: real track ids and scores; pose: per-frame ids, score 0 "
                        "(default: %(default)s)")
    parser.add_argument("-d", "--dataset_split", default="val",
                        help="split name (kept for compatibility; folders come from --gt/--input)")
    parser.add_argument("-f", "--format", type=int, default=17, choices=[17, 18],
                        help="PoseTrack file format (default: %(default)s)")
    parser.add_argument("--gt", default=os.path.join(DATA_ROOT, "annotations", "val"),
                        help="PoseTrack'18 GT folder (default: %(default)s)")
    parser.add_argument("--input", default=RESULTS_DIR,
                        help="tracker output folder (default: %(default)s)")
    parser.add_argument("--output", default="data/Data_2018/predictions_lighttrack/",
                        help="prediction folder, created (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    require_output_dir(args.output)
    with OutputLock(args.output):
        names = convert_folder(args.gt, args.input, args.output, posetrack_format=args.format,
                               bbox_thresh=args.bbox_thresh, drop_thresh=args.drop_thresh,
                               track=args.mode == "track")
    print(f"wrote {len(names)} PoseTrack {args.format} files to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

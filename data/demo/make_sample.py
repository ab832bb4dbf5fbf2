"""Build the demo clip data/demo/sample.mp4 (and sample_truth.json) from photos that ship in
scikit-image and matplotlib: two people walk across and cross once. Deterministic."""
from __future__ import annotations

import argparse
from pathlib import Path

from lib import sample_clip
from lib.cli import run_main
from lib.errors import LightTrackError

ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "demo" / "sample.mp4",
                        help="video to write; the truth JSON goes beside it (default: %(default)s)")
    parser.add_argument("--frames", type=int, default=sample_clip.NUM_FRAMES,
                        help="number of frames (default: %(default)s)")
    parser.add_argument("--fps", type=float, default=sample_clip.FPS,
                        help="frames per second (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="rebuild even if --out exists")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.frames < 2 or args.fps <= 0:
        raise LightTrackError("--frames must be at least 2 and --fps positive")
    if args.out.exists() and not args.force:
        print(f"{args.out} exists (use --force to rebuild)")
        return 0
    clip = sample_clip.SampleClip(num_frames=args.frames)
    truth = sample_clip.write_clip(args.out, clip, fps=args.fps)
    print(f"wrote {args.out} ({args.frames} frames at {args.fps:g} fps) and {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

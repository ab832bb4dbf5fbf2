"""Fetch OpenCV's sample data (data/vtest/vtest.avi and the photos data/make_realpix.py uses)
from Debian's opencv-doc package or the opencv-python source archive on PyPI, checked against
data/SHA256SUMS; files already present with the right hash are kept."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lib import opencv_data
from lib.cli import run_main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=opencv_data.DATA_DIR,
                        help="where the files go (default: %(default)s)")
    parser.add_argument("--manifest", type=Path, default=opencv_data.MANIFEST_PATH,
                        help="sha256sum manifest (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    status = opencv_data.fetch(data_dir=args.data_dir, manifest_path=args.manifest)
    for target, state in status.items():
        print(f"{state:8s} data/{target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

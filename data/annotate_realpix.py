"""Reference keypoints of the real-pixel set's people from two independent pose models: each
source crop (data/realpix_sources.py) goes through both, and a joint is kept where both score it
and their positions agree; writes data/realpix_reference.json and overlay PNGs to check by eye.

Run once by hand (needs both models' weights, e.g. ``make weights``); data/make_realpix.py
only reads the JSON. Models are components by name (``lib.components``).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from data import realpix_sources as rs
from lib import components
from lib.cli import run_main
from lib.errors import LightTrackError
from lib.formats.jsonfile import write_json
from lib.joints import JOINT_NAMES, SKELETON

MODELS = ("blazepose", "movenet-thunder")
AGREE = 0.06       # largest distance between the models, as a fraction of the crop height
MIN_SCORE = 0.3    # both models must score the joint at least this much
MIN_AGREED = 6     # a source needs at least this many agreed joints
OVERLAY_HEIGHT, OVERLAY_WIDTH = 200, 260  # overlay PNGs fit in this size (kept < 100 KB)
COLOURS = {0: (255, 128, 0), 1: (0, 200, 255)}  # BGR of model 0 and model 1 points


def agreement(first: np.ndarray, second: np.ndarray, crop_height: float, *, agree: float = AGREE,
              min_score: float = MIN_SCORE) -> tuple[np.ndarray, np.ndarray]:
    """(mean positions (15, 2), known (15,) bool) of two models' (15, 3) keypoints."""
    distance = np.linalg.norm(first[:, :2] - second[:, :2], axis=1)
    known = ((distance <= agree * crop_height) & (first[:, 2] >= min_score)
             & (second[:, 2] >= min_score))
    return (first[:, :2] + second[:, :2]) / 2, known


def overlay(crop: np.ndarray, outputs: list, mean: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The crop with each model's points (small dots, one colour each) and the reference skeleton
    (white sticks, green joints) of the agreed joints, scaled to fit the overlay size."""
    scale = min(OVERLAY_HEIGHT / crop.shape[0], OVERLAY_WIDTH / crop.shape[1])
    image = cv2.resize(crop, (round(crop.shape[1] * scale), round(crop.shape[0] * scale)),
                       interpolation=cv2.INTER_CUBIC)
    point = lambda xy: (int(round(xy[0] * scale)), int(round(xy[1] * scale)))  # noqa: E731
    for a, b in SKELETON:
        if known[a] and known[b]:
            cv2.line(image, point(mean[a]), point(mean[b]), (255, 255, 255), 2, cv2.LINE_AA)
    for joint in np.flatnonzero(known):
        cv2.circle(image, point(mean[joint]), 4, (0, 255, 0), -1, cv2.LINE_AA)
    for index, keypoints in enumerate(outputs):
        for x, y, _ in keypoints:
            cv2.circle(image, point((x, y)), 2, COLOURS[index], -1, cv2.LINE_AA)
    return image


def annotate(source: rs.Source, estimators: list) -> tuple[dict, np.ndarray]:
    """(JSON entry, overlay image) of one source."""
    image = rs.load_image(source.image)
    x1, y1, x2, y2 = source.crop_xyxy
    box = np.array([source.crop_xyxy], dtype=np.float64)
    outputs = []
    for estimator in estimators:
        keypoints = np.asarray(estimator.estimate(image, box), dtype=np.float64)[0]
        keypoints[:, :2] -= (x1, y1)
        outputs.append(keypoints)
    mean, known = agreement(outputs[0], outputs[1], y2 - y1)
    points = np.column_stack([mean, known]).round(2).tolist()
    entry = {"image": source.image, "crop_xyxy": list(source.crop_xyxy), "keypoints": points,
             "models": {name: keypoints.round(2).tolist()
                        for name, keypoints in zip(MODELS, outputs)}}
    return entry, overlay(rs.crop(source), outputs, mean, known)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=rs.REFERENCE_PATH,
                        help="reference JSON to write (default: %(default)s)")
    parser.add_argument("--overlays", type=Path,
                        default=Path(__file__).resolve().parent / "realpix_reference",
                        help="folder of the overlay PNGs (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    estimators = [components.build("pose", name) for name in MODELS]
    args.overlays.mkdir(parents=True, exist_ok=True)
    document = {"models": list(MODELS), "agree_fraction_of_crop_height": AGREE,
                "min_score": MIN_SCORE, "joints": list(JOINT_NAMES),
                "note": "keypoints are [x, y, known] in crop pixels: the mean of the two models; "
                        "known = 1 where both score the joint >= min_score and lie within "
                        "agree_fraction_of_crop_height of each other", "sources": {}}
    too_few = []
    for name, source in rs.SOURCES.items():
        entry, image = annotate(source, estimators)
        document["sources"][name] = entry
        cv2.imwrite(str(args.overlays / f"{name}.png"), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        known = int(sum(k for _, _, k in entry["keypoints"]))
        print(f"{name:14s} {known:2d}/15 joints agreed")
        if known < MIN_AGREED:
            too_few.append(name)
    if too_few:
        raise LightTrackError(f"the models agree on fewer than {MIN_AGREED} joints of "
                              f"{', '.join(too_few)}: pick other crops (overlays in {args.overlays})")
    write_json(str(args.out), document)
    print(f"wrote {args.out} and {len(rs.SOURCES)} overlays in {args.overlays}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

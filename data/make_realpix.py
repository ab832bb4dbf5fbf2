"""Real-pixel PoseTrack'18 set: people cut from photos and video frames that ship in PyPI and
Debian packages, moved along scripted paths over real backgrounds (numpy, OpenCV; no model).

Scenes are in data/realpix_scenes.py, cutouts in data/realpix_sources.py, their reference
keypoints in data/realpix_reference.json (data/annotate_realpix.py made them with two pose
models). Each frame pastes the cutouts back to front (the lower an actor's feet, the nearer);
a joint is annotated where the reference knows it, it lies in the frame and no nearer cutout
covers it. Identities are the scenes' track ids. Deterministic.

``python -m data.make_realpix --out data/realpix`` writes the PoseTrack'18 layout of
data/synthetic_posetrack.py (images/val/<seq>/000000.jpg, annotations/val/<seq>.json,
detections_openSVAI/, annotations_openSVAI/) plus videos/<seq>.mp4; ``make realpix`` runs it.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from data import realpix_sources as rs
from data.realpix_scenes import SCENES, Scene, interpolate
from data.synthetic_posetrack import (GTPerson, SyntheticOptions, annotate_person,
                                      write_video)
from lib.cli import run_main
from lib.errors import LightTrackError
from lib.sample_clip import paste, soft_alpha

FPS = 25
WIDTH, HEIGHT = 640, 360
SEED = 0  # detection noise of detections_openSVAI/ only
BOB_PIXELS, BOB_FRAMES = 2.0, 12.5  # walking bob: amplitude and period


def fit_background(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to cover width x height and centre-cropped to it."""
    scale = max(width / image.shape[1], height / image.shape[0])
    size = (max(width, round(image.shape[1] * scale)), max(height, round(image.shape[0] * scale)))
    resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    x0, y0 = (size[0] - width) // 2, (size[1] - height) // 2
    return resized[y0:y0 + height, x0:x0 + width]


class RealpixVideo:
    """One scene as a video: ``frame(t) -> (BGR image, [GTPerson])`` like the synthetic set's."""

    def __init__(self, scene: Scene, number: int, references: dict, *, width: int = WIDTH,
                 height: int = HEIGHT):
        self.scene, self.name, self.number = scene, scene.name, number
        self.num_frames = scene.num_frames
        self.opts = replace(SyntheticOptions(), width=width, height=height)
        self.references = references
        self.world = fit_background(rs.load_image(scene.background), *scene.world)
        self.crops = {actor.source: rs.crop(rs.SOURCES[actor.source]) for actor in scene.actors}

    def camera(self, t: int) -> np.ndarray:
        """(2, 3) affine matrix world -> image at frame ``t``."""
        if self.scene.camera:
            cx, cy, zoom = interpolate(self.scene.camera, t)
        else:
            cx, cy, zoom = self.scene.world[0] / 2, self.scene.world[1] / 2, 1.0
        return np.array([[zoom, 0, self.opts.width / 2 - zoom * cx],
                         [0, zoom, self.opts.height / 2 - zoom * cy]])

    def placements(self, t: int) -> list:
        """[(actor, top-left x, y, width, height)] of the actors present at ``t``, back to front."""
        matrix = self.camera(t)
        zoom = matrix[0, 0]
        placed = []
        for order, actor in enumerate(self.scene.actors):
            key = interpolate(actor.keys, t)
            if key is None:
                continue
            x, y, size = key
            bob = BOB_PIXELS * np.sin(2 * np.pi * t / BOB_FRAMES + actor.track_id)
            (ix, iy) = matrix @ np.array([x, y + bob, 1.0])
            crop_w, crop_h = rs.SOURCES[actor.source].crop_size
            height = max(2, round(size * zoom))
            width = max(2, round(height * crop_w / crop_h))
            placed.append((y, order, actor, round(ix - width / 2), round(iy - height), width,
                           height))
        return [row[2:] for row in sorted(placed, key=lambda row: row[:2])]

    def _owner(self, placed: list) -> np.ndarray:
        """(H, W) uint8: at each pixel the 1-based position in ``placed`` of the nearest cutout
        there, 0 where there is none."""
        owner = np.zeros((self.opts.height, self.opts.width), dtype=np.uint8)
        for label, (_, x1, y1, width, height) in enumerate(placed, start=1):
            owner[max(y1, 0):max(y1 + height, 0), max(x1, 0):max(x1 + width, 0)] = label
        return owner

    def _annotated(self, placed: list, owner: np.ndarray) -> list:
        """[(label, GTPerson or None)] of the placed actors."""
        people = []
        for label, (actor, x1, y1, width, height) in enumerate(placed, start=1):
            reference = self.references[actor.source]
            crop_w, crop_h = rs.SOURCES[actor.source].crop_size
            joints = reference.keypoints * [width / crop_w, height / crop_h] + [x1, y1]
            people.append((label, annotate_person(actor.track_id, joints, owner, label,
                                                  reference.known)))
        return people

    def frame(self, t: int, render: bool = True) -> tuple[np.ndarray | None, list[GTPerson]]:
        """(BGR (H, W, 3) uint8 image or None, annotated people sorted by track id) of ``t``."""
        placed = self.placements(t)
        people = [person for _, person in self._annotated(placed, self._owner(placed))
                  if person is not None]
        if not render:
            return None, sorted(people, key=lambda person: person.track_id)
        canvas = cv2.warpAffine(self.world, self.camera(t), (self.opts.width, self.opts.height),
                                flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REFLECT).astype(np.float32)
        for actor, x1, y1, width, height in placed:
            crop = self.crops[actor.source]
            shrink = height < crop.shape[0]
            image = cv2.resize(crop, (width, height),
                               interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
            paste(canvas, image.astype(np.float32), soft_alpha(height, width, min(4, width // 6)),
                  x1, y1)
        image = np.clip(canvas + 0.5, 0, 255).astype(np.uint8)
        return image, sorted(people, key=lambda person: person.track_id)

    def ignore_regions(self, t: int) -> list[np.ndarray]:
        """Outlines ((V, 2) pixel polygons) of the visible parts of the people in view at ``t``
        who are not annotated (fewer than 4 annotated joints): PoseTrack's ignore regions, so
        a tracker that finds them is neither rewarded nor punished."""
        placed = self.placements(t)
        owner = self._owner(placed)
        regions = []
        for label, person in self._annotated(placed, owner):
            if person is None and np.any(owner == label):
                mask = (owner == label).astype(np.uint8)
                contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
                regions += [c.reshape(-1, 2).astype(np.float64) for c in contours if len(c) >= 3]
        return regions


def write_dataset(out_dir: str | Path, scenes=SCENES, *, max_frames: int | None = None,
                  references: dict | None = None) -> list[str]:
    """Write ``scenes`` (each cut to ``max_frames`` when given) under ``out_dir``; returns the
    sequence names."""
    references = references or rs.load_references()
    names = []
    for number, scene in enumerate(scenes, start=1):
        if max_frames is not None:
            scene = replace(scene, num_frames=min(scene.num_frames, max_frames))
        write_video(str(out_dir), RealpixVideo(scene, number, references), SEED, mp4_fps=FPS)
        names.append(scene.name)
    return names


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/realpix", help="output folder (default: %(default)s)")
    parser.add_argument("--scenes", nargs="*", metavar="NAME",
                        help="only these scenes (default: all): " +
                             ", ".join(scene.name for scene in SCENES))
    parser.add_argument("--max-frames", type=int, metavar="N",
                        help="cut every scene to its first N frames (quick builds)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    scenes = SCENES
    if args.scenes:
        unknown = sorted(set(args.scenes) - {scene.name for scene in SCENES})
        if unknown:
            raise LightTrackError(f"unknown scene {unknown[0]}: pick from "
                                  + ", ".join(scene.name for scene in SCENES))
        scenes = tuple(scene for scene in SCENES if scene.name in args.scenes)
    if args.max_frames is not None and args.max_frames < 1:
        raise LightTrackError("--max-frames must be at least 1")
    names = write_dataset(args.out, scenes, max_frames=args.max_frames)
    frames = sum(min(s.num_frames, args.max_frames or s.num_frames) for s in scenes)
    print(f"wrote {len(names)} clips ({frames} frames, {WIDTH}x{HEIGHT} at {FPS} fps) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

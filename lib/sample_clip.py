"""The bundled demo clip: two people cut from photos that ship in scikit-image and matplotlib
walk across a textured background and cross once (numpy, OpenCV; no model).

The cameraman (``skimage.data.camera``) walks left to right in front; Grace Hopper
(matplotlib's ``grace_hopper.jpg``) walks right to left further back, so at the crossing the
cameraman hides Grace Hopper's body but not her face. Everything is deterministic; the truth
holds each person's box, sprite rectangle and visible fraction per frame.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import write_json

WIDTH, HEIGHT, FPS, NUM_FRAMES = 640, 360, 25, 250
BOB_PIXELS, BOB_FRAMES = 3.0, 12.5  # walking bob: amplitude and period


@dataclass(frozen=True)
class Walker:
    """A person sprite: ``crop_xyxy`` of the photo, scaled to ``height`` pixels, whose centre
    moves linearly from ``start_x`` to ``end_x`` with its top edge at ``top``; the person
    occupies ``person_xyxy`` of the photo."""

    name: str
    source: str
    crop_xyxy: tuple[int, int, int, int]
    person_xyxy: tuple[int, int, int, int]
    height: int
    start_x: float
    end_x: float
    top: float
    bob_phase: float


WALKERS = (  # back to front (drawing order)
    Walker("grace_hopper", "matplotlib.cbook.get_sample_data('grace_hopper.jpg')",
           (15, 20, 512, 600), (15, 20, 512, 600), 220, 520.0, 120.0, 10.0, 0.0),
    Walker("cameraman", "skimage.data.camera()", (0, 40, 420, 512), (0, 62, 335, 512), 240,
           120.0, 520.0, 112.0, np.pi),
)


def load_photo(walker: Walker) -> np.ndarray:
    """The walker's photo as BGR uint8 (from the installed scikit-image or matplotlib)."""
    if walker.name == "cameraman":
        from skimage import data
        return cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2BGR)
    from matplotlib import cbook
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise LightTrackError(f"cannot read {path}: reinstall matplotlib (make venv)")
    return image


def sprite(walker: Walker) -> tuple[np.ndarray, np.ndarray]:
    """(image (h, w, 3) uint8, alpha (h, w, 1) float32 with a soft 4-pixel border)."""
    x1, y1, x2, y2 = walker.crop_xyxy
    crop = load_photo(walker)[y1:y2, x1:x2]
    width = round(walker.height * crop.shape[1] / crop.shape[0])
    image = cv2.resize(crop, (width, walker.height), interpolation=cv2.INTER_AREA)
    return image, soft_alpha(walker.height, width)


def soft_alpha(height: int, width: int, border: int = 4) -> np.ndarray:
    """(height, width, 1) float32 opacity of a pasted rectangle: 1 inside, fading to 0 over
    ``border`` pixels at the edges."""
    alpha = np.zeros((height, width), np.float32)
    alpha[border:height - border, border:width - border] = 1.0
    alpha = cv2.GaussianBlur(alpha, (2 * border + 1, 2 * border + 1), 0)
    return alpha[..., None]


def paste(canvas: np.ndarray, image: np.ndarray, alpha: np.ndarray, x1: int, y1: int) -> None:
    """Blend ``image`` (h, w, 3) with opacity ``alpha`` (h, w, 1) into the float ``canvas`` at
    top-left (x1, y1); the parts outside the canvas are dropped."""
    height, width = image.shape[:2]
    cx1, cy1 = max(x1, 0), max(y1, 0)
    cx2, cy2 = min(x1 + width, canvas.shape[1]), min(y1 + height, canvas.shape[0])
    if cx1 >= cx2 or cy1 >= cy2:
        return
    part = (slice(cy1 - y1, cy2 - y1), slice(cx1 - x1, cx2 - x1))
    region = canvas[cy1:cy2, cx1:cx2]
    region[:] = alpha[part] * image[part] + (1 - alpha[part]) * region


def background(width: int, height: int, seed: int = 7) -> np.ndarray:
    """A wall-and-floor backdrop: two gradients with smooth and fine noise, BGR uint8."""
    rng = np.random.default_rng(seed)
    rows = np.linspace(0.0, 1.0, height)[:, None, None]
    wall = np.array([200, 190, 170]) - 40 * rows
    floor = np.array([90, 110, 130]) + 50 * rows
    image = np.where(rows < 0.6, wall, floor) * np.ones((1, width, 1))
    blobs = cv2.resize(rng.normal(0, 12, (9, 16)), (width, height), interpolation=cv2.INTER_CUBIC)
    image += (blobs + rng.normal(0, 4, (height, width)))[..., None]  # grey: no colour cast
    return np.clip(image, 0, 255).astype(np.uint8)


class SampleClip:
    """Frames and truth of the clip; ``frame(idx)`` renders one frame (H, W, 3) BGR uint8.

    Walker positions are pixels; the default walkers stay inside the default 640x360 frame.
    """

    def __init__(self, *, width: int = WIDTH, height: int = HEIGHT,
                 num_frames: int = NUM_FRAMES, walkers=WALKERS):
        self.width, self.height, self.num_frames = width, height, num_frames
        self.walkers = walkers
        self._sprites = [sprite(walker) for walker in walkers]
        self._background = background(width, height)

    def sprite_boxes(self, frame_idx: int) -> np.ndarray:
        """(P, 4) xyxy integer-valued sprite rectangles of the walkers at ``frame_idx``."""
        progress = frame_idx / max(self.num_frames - 1, 1)
        rows = []
        for walker, (image, _) in zip(self.walkers, self._sprites):
            height, width = image.shape[:2]
            centre = walker.start_x + (walker.end_x - walker.start_x) * progress
            bob = BOB_PIXELS * np.sin(2 * np.pi * frame_idx / BOB_FRAMES + walker.bob_phase)
            x1, y1 = round(centre - width / 2), round(walker.top + bob)
            rows.append((x1, y1, x1 + width, y1 + height))
        return np.array(rows, dtype=np.float64)

    def boxes(self, frame_idx: int) -> np.ndarray:
        """(P, 4) xyxy boxes of the persons (``person_xyxy`` mapped into the frame)."""
        sprites = self.sprite_boxes(frame_idx)
        rows = []
        for walker, (x1, y1, _, _) in zip(self.walkers, sprites):
            crop = np.array(walker.crop_xyxy[:2] * 2, dtype=np.float64)
            scale = walker.height / (walker.crop_xyxy[3] - walker.crop_xyxy[1])
            rows.append(np.array([x1, y1, x1, y1]) + (np.array(walker.person_xyxy) - crop) * scale)
        return np.array(rows)

    def frame(self, frame_idx: int) -> np.ndarray:
        """The frame ``frame_idx``: sprites pasted back to front over the background."""
        canvas = self._background.astype(np.float32)
        for (image, alpha), box in zip(self._sprites, self.sprite_boxes(frame_idx).astype(int)):
            paste(canvas, image, alpha, box[0], box[1])
        return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)

    def visible_fractions(self, frame_idx: int) -> np.ndarray:
        """(P,) share of each person box not covered by the sprites drawn after it."""
        owner = np.full((self.height, self.width), -1)
        for index, (x1, y1, x2, y2) in enumerate(self.sprite_boxes(frame_idx).astype(int)):
            owner[y1:y2, x1:x2] = index
        shares = []
        for index, (x1, y1, x2, y2) in enumerate(np.round(self.boxes(frame_idx)).astype(int)):
            shares.append(float(np.mean(owner[y1:y2, x1:x2] <= index)))
        return np.array(shares)

    def truth(self, fps: float) -> dict:
        """The truth record written next to the clip (see ``write_clip``)."""
        people = [{"name": walker.name, "source": walker.source, "boxes_xyxy": [],
                   "sprite_boxes_xyxy": [], "visible": []} for walker in self.walkers]
        for frame_idx in range(self.num_frames):
            rows = zip(self.boxes(frame_idx), self.sprite_boxes(frame_idx),
                       self.visible_fractions(frame_idx))
            for person, (box, sprite_box, shown) in zip(people, rows):
                person["boxes_xyxy"].append([round(float(v), 2) for v in box])
                person["sprite_boxes_xyxy"].append([float(v) for v in sprite_box])
                person["visible"].append(round(float(shown), 4))
        return {"width": self.width, "height": self.height, "fps": fps,
                "num_frames": self.num_frames, "people_back_to_front": people}


def truth_path(video_path: str | Path) -> Path:
    """``data/demo/sample.mp4`` -> ``data/demo/sample_truth.json``."""
    video_path = Path(video_path)
    return video_path.with_name(video_path.stem + "_truth.json")


def write_clip(path: str | Path, clip: SampleClip, fps: float = FPS) -> Path:
    """Write ``clip`` as mp4v video to ``path`` and its truth JSON beside it; returns the
    truth path. The video appears under its name only once complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name("partial_" + path.name)
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                             (clip.width, clip.height))
    if not writer.isOpened():
        raise LightTrackError(f"OpenCV cannot write {partial}: check the folder is writable")
    for frame_idx in range(clip.num_frames):
        writer.write(clip.frame(frame_idx))
    writer.release()
    truth = truth_path(path)
    write_json(truth, clip.truth(fps))
    os.replace(partial, path)
    return truth

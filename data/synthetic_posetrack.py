"""Synthetic PoseTrack'18 set: procedural walking stick people rendered with OpenCV (numpy, cv2).

People (15 joints, plausible limb lengths, a walking gait with arm and leg swing, or standing and
waving) enter, leave, cross and hide each other in front of a panning, zooming camera. A frame is
the people drawn back to front (thick limbs, a filled torso, a head circle, one colour per
person); a joint is annotated when it lies in the image and no nearer person covers it.

Library use (the SGCN trainer makes pairs from it)::

    video = make_video(seed=0, video_idx=0, num_frames=60)
    image, people = video.frame(t)          # BGR image and the annotated GTPerson list
    people = video.frame(t, render=False)[1] # same people without the colour image

Command line: ``python -m data.synthetic_posetrack --out data/synthetic_posetrack --videos 5
--frames 60 --seed 0`` writes the PoseTrack'18 layout (see ``write_dataset``).
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace

import cv2
import numpy as np

from lib.cli import run_main
from lib.errors import LightTrackError
from lib.formats.jsonfile import write_json
from lib.formats.posetrack import annotation18, image_id, person_category
from lib.geometry import boxes_xyxy_to_xywh
from lib.joints import NUM_JOINTS
from lib.options import (non_negative_float, non_negative_int, positive_int, require_output_dir,
                         unit_float)
from lib.outputs import OutputLock, write_bytes
from lib.runner import Frame
from lib.video import VideoSink

MIN_LABELED_JOINTS = 4  # a person is annotated (and detectable) with at least this many joints
SPLIT = "val"


@dataclass(frozen=True)
class SyntheticOptions:
    """Image size, crowd and detection-noise settings of the synthetic set."""

    width: int = 640
    height: int = 360
    min_people: int = 2
    max_people: int = 5
    box_jitter: float = 0.05        # std of detection box noise, fraction of the box size
    miss_rate: float = 0.1          # probability that an annotated person is not detected
    false_positive_rate: float = 0.3  # mean number of false detections per frame
    jpeg_quality: int = 90


@dataclass
class GTPerson:
    """One annotated person of one frame: keypoints (15, 3) x, y, v (v 1 annotated; an
    unannotated joint is 0, 0, 0), box and head box xywh in image pixels."""

    track_id: int
    keypoints: np.ndarray
    box_xywh: tuple
    head_box_xywh: tuple


@dataclass(frozen=True)
class Walker:
    """One person's fixed parameters; positions are world pixels at camera zoom 1."""

    track_id: int
    height: float       # head top to ankles
    foot_y: float
    x0: float           # hip x at frame 0
    speed: float        # signed, world pixels per frame
    phase: float        # gait phase at frame 0
    facing: float       # +1 facing the camera, -1 facing away (which side the right limbs are)
    width: float        # shoulder/hip width factor (1 frontal, smaller turned)
    waving: bool
    colour: tuple

    def joints(self, t: int) -> np.ndarray:
        """(15, 2) world positions at frame ``t`` in LightTrack joint order."""
        direction = 1.0 if self.speed >= 0 else -1.0
        swing = min(1.0, abs(self.speed) / (0.015 * self.height))
        phi = self.phase + 2 * np.pi * abs(self.speed) * t / (0.8 * self.height)
        hip = np.array([self.x0 + self.speed * t,
                        self.foot_y - 0.49 * self.height - 0.012 * swing * self.height * abs(np.cos(phi))])
        u = self.height
        side = self.facing * self.width  # right limbs at -x when facing the camera

        def limb(start, length, angle):
            return start + length * u * np.array([direction * np.sin(angle), np.cos(angle)])

        out = np.zeros((NUM_JOINTS, 2))
        for right, offset in ((True, 0.0), (False, np.pi)):
            sign = -side if right else side
            h = hip + [0.09 * u * sign, 0.0]
            thigh = 0.45 * swing * np.sin(phi + offset)
            bend = 0.35 * swing * (1 - np.cos(phi + offset))
            knee = limb(h, 0.245, thigh)
            ankle = limb(knee, 0.245, thigh - bend)
            out[[2, 1, 0] if right else [3, 4, 5]] = h, knee, ankle
        neck = hip + [0.02 * u * direction * swing, -0.30 * u]
        for right, offset in ((True, np.pi), (False, 0.0)):
            sign = -side if right else side
            shoulder = neck + [0.11 * u * sign, 0.03 * u]
            upper = 0.35 * swing * np.sin(phi + offset) + 0.1 * (1 - swing)
            if self.waving and right:
                upper = 2.4 + 0.5 * np.sin(0.4 * t + self.phase)
            elbow = limb(shoulder, 0.16, upper)
            wrist = limb(elbow, 0.15, upper + 0.25 + 0.2 * swing)
            out[[8, 7, 6] if right else [9, 10, 11]] = shoulder, elbow, wrist
        out[12] = neck
        out[13] = neck + [0.035 * u * direction * swing, -0.085 * u]
        out[14] = neck + [0.0, -0.17 * u]
        return out


def _make_walkers(rng: np.random.Generator, num_frames: int, opts: SyntheticOptions) -> list[Walker]:
    """People of one video: the first two cross in the middle, the rest stand or walk in/out."""
    num_people = int(rng.integers(opts.min_people, opts.max_people + 1))
    depths = rng.uniform(0.7, 1.3, num_people)
    if num_people >= 2 and abs(depths[0] - depths[1]) < 0.15:  # the crossing pair overlaps
        depths[1] = depths[0] + (0.2 if depths[0] < 1.0 else -0.2)
    hues = (rng.permutation(num_people) * (180 // num_people) + rng.integers(0, 30)) % 180
    walkers = []
    for k in range(num_people):
        height = 0.45 * opts.height * depths[k]
        speed = rng.uniform(0.015, 0.04) * height
        if k < 2:  # opposite directions, meeting near the middle frame
            speed *= 1 if k == 0 else -1
            x0 = opts.width / 2 + rng.uniform(-0.03, 0.03) * opts.width - speed * num_frames / 2
        elif rng.random() < 0.25:  # stands (maybe waving)
            speed, x0 = 0.0, rng.uniform(0.1, 0.9) * opts.width
        else:  # walks in from a side at a random frame
            enter = rng.uniform(0, 0.6) * num_frames
            speed *= rng.choice([-1, 1])
            edge = -0.15 * opts.width if speed > 0 else 1.15 * opts.width
            x0 = edge - speed * enter
        colour = cv2.cvtColor(np.uint8([[[hues[k], 200, 230]]]), cv2.COLOR_HSV2BGR)[0, 0]
        walkers.append(Walker(
            track_id=k, height=height, foot_y=opts.height * (0.55 + 0.35 * (depths[k] - 0.7) / 0.6),
            x0=x0, speed=speed, phase=rng.uniform(0, 2 * np.pi), facing=rng.choice([-1.0, 1.0]),
            width=rng.uniform(0.45, 1.0), waving=speed == 0 and rng.random() < 0.5,
            colour=tuple(int(c) for c in colour)))
    return sorted(walkers, key=lambda w: w.height)  # far (small) first: drawing order


@dataclass
class SyntheticVideo:
    """One synthetic video: its people, camera motion and background, rendered on demand."""

    name: str
    number: int
    num_frames: int
    walkers: list[Walker]
    camera: np.ndarray      # pan amplitude, pan period, pan phase, zoom amplitude, period, phase
    poles: np.ndarray       # (P, 2) world x and width of background poles
    opts: SyntheticOptions

    def camera_at(self, t: int) -> tuple[float, float]:
        """(camera centre x in world pixels, zoom) at frame ``t``."""
        pan, pan_period, pan_phase, zoom, zoom_period, zoom_phase = self.camera
        centre_x = self.opts.width / 2 + pan * np.sin(2 * np.pi * t / pan_period + pan_phase)
        return centre_x, 1.0 + zoom * np.sin(2 * np.pi * t / zoom_period + zoom_phase)

    def to_image(self, points: np.ndarray, t: int) -> np.ndarray:
        """World (..., 2) -> image pixels at frame ``t``."""
        centre_x, zoom = self.camera_at(t)
        centre = np.array([centre_x, self.opts.height / 2])
        return (points - centre) * zoom + [self.opts.width / 2, self.opts.height / 2]

    def ignore_regions(self, t: int) -> list[np.ndarray]:
        """No ignore regions: every synthetic person is annotated."""
        return []

    def frame(self, t: int, render: bool = True) -> tuple[np.ndarray | None, list[GTPerson]]:
        """(BGR (H, W, 3) uint8 image or None, annotated people) of frame ``t``."""
        size = (self.opts.height, self.opts.width)
        image = self._background(t) if render else None
        owner = np.zeros(size, dtype=np.uint8)
        zoom = self.camera_at(t)[1]
        skeletons = [self.to_image(w.joints(t), t) for w in self.walkers]
        for k, (walker, joints) in enumerate(zip(self.walkers, skeletons)):
            thickness = max(2, int(round(0.05 * walker.height * zoom)))
            _draw_person(owner, joints, k + 1, thickness)
            if render:
                _draw_person(image, joints, walker.colour, thickness)
        people = []
        for k, (walker, joints) in enumerate(zip(self.walkers, skeletons)):
            person = annotate_person(walker.track_id, joints, owner, k + 1)
            if person is not None:
                people.append(person)
        return image, sorted(people, key=lambda p: p.track_id)

    def _background(self, t: int) -> np.ndarray:
        h, w = self.opts.height, self.opts.width
        image = np.empty((h, w, 3), dtype=np.uint8)
        horizon = int(self.to_image(np.array([0.0, 0.45 * h]), t)[1])
        image[:max(horizon, 0)] = (205, 190, 170)
        image[max(horizon, 0):] = (95, 120, 110)
        for x, width in self.poles:
            (x1, y1), (x2, y2) = self.to_image(np.array([[x, 0.05 * h], [x + width, 0.6 * h]]), t)
            cv2.rectangle(image, (int(x1), int(y1)), (int(x2), int(y2)), (70, 80, 90), -1)
        return image


def _draw_person(canvas: np.ndarray, joints: np.ndarray, colour, thickness: int) -> None:
    """Torso polygon, thick limbs and a head circle; ``joints`` (15, 2) image pixels."""
    pts = np.round(joints).astype(np.int32)
    cv2.fillConvexPoly(canvas, pts[[8, 9, 3, 2]], colour, lineType=cv2.LINE_8)
    for a, b in ((0, 1), (1, 2), (5, 4), (4, 3), (6, 7), (7, 8), (11, 10), (10, 9), (12, 8),
                 (12, 9), (2, 3)):
        cv2.line(canvas, tuple(pts[a]), tuple(pts[b]), colour, thickness, lineType=cv2.LINE_8)
    radius = max(2, int(round(0.55 * np.linalg.norm(joints[14] - joints[12]))))
    centre = np.round((joints[12] + joints[14]) / 2).astype(int)
    cv2.circle(canvas, (int(centre[0]), int(centre[1])), radius, colour, -1)


def annotate_person(track_id: int, joints: np.ndarray, owner: np.ndarray, label: int,
                    known: np.ndarray | None = None) -> GTPerson | None:
    """The annotation of one drawn person, or None with fewer than MIN_LABELED_JOINTS joints.

    ``joints`` (15, 2) image pixels; ``owner`` (H, W) holds at each pixel the label of the
    nearest person drawn there (0: nobody); a joint is annotated when it lies in the image, the
    pixel belongs to ``label`` or nobody, and ``known`` (15,) bool, when given, is True. The
    head box comes from joints 12 and 14 whether annotated or not.
    """
    height, width = owner.shape
    xi, yi = np.floor(joints[:, 0]).astype(int), np.floor(joints[:, 1]).astype(int)
    inside = (xi >= 0) & (yi >= 0) & (xi < width) & (yi < height)
    if known is not None:
        inside &= np.asarray(known, dtype=bool)
    seen = np.zeros(NUM_JOINTS, dtype=bool)
    seen[inside] = np.isin(owner[yi[inside], xi[inside]], (0, label))
    if seen.sum() < MIN_LABELED_JOINTS:
        return None
    keypoints = np.zeros((NUM_JOINTS, 3))
    keypoints[seen] = np.column_stack([joints[seen], np.ones(seen.sum())])
    head = np.linalg.norm(joints[14] - joints[12])
    (x1, y1), (x2, y2) = joints[seen].min(0), joints[seen].max(0)
    margin = 0.08 * max(x2 - x1, y2 - y1, head)
    x1, y1 = max(0.0, x1 - margin), max(0.0, y1 - margin)
    x2, y2 = min(width - 1.0, x2 + margin), min(height - 1.0, y2 + margin)
    centre = (joints[12] + joints[14]) / 2
    head_box = (centre[0] - 0.4 * head, centre[1] - 0.5 * head, 0.8 * head, head)
    return GTPerson(track_id, keypoints, tuple(boxes_xyxy_to_xywh([[x1, y1, x2, y2]])[0]), head_box)


def make_video(seed: int, video_idx: int, num_frames: int,
               opts: SyntheticOptions = SyntheticOptions()) -> SyntheticVideo:
    """Video ``video_idx`` of the set drawn with ``seed`` (the same arguments give the same video)."""
    rng = np.random.default_rng([seed, video_idx])
    walkers = _make_walkers(rng, num_frames, opts)
    camera = np.array([rng.uniform(0, 0.08) * opts.width, rng.uniform(40, 120), rng.uniform(0, 6.3),
                       rng.uniform(0, 0.15), rng.uniform(50, 150), rng.uniform(0, 6.3)])
    poles = np.column_stack([rng.uniform(-0.3, 1.3, 8) * opts.width,
                             rng.uniform(0.01, 0.03, 8) * opts.width])
    return SyntheticVideo(f"{video_idx + 1:06d}_synthetic", video_idx + 1, num_frames, walkers,
                          camera, poles, opts)


def detections(rng: np.random.Generator, people: list[GTPerson],
               opts: SyntheticOptions) -> list[dict]:
    """Noisy detector output for one frame: jittered boxes of the people (some missed) and false
    positives, as OpenSVAI candidates ``{det_bbox xywh, det_score}`` by descending score."""
    cands = []
    for person in people:
        if rng.random() < opts.miss_rate:
            continue
        x, y, w, h = person.box_xywh
        x, y = x + rng.normal(0, opts.box_jitter) * w, y + rng.normal(0, opts.box_jitter) * h
        w, h = w * np.exp(rng.normal(0, opts.box_jitter)), h * np.exp(rng.normal(0, opts.box_jitter))
        cands.append(([x, y, w, h], rng.uniform(0.5, 1.0)))
    for _ in range(rng.poisson(opts.false_positive_rate)):
        h = rng.uniform(0.2, 0.6) * opts.height
        w = h * rng.uniform(0.3, 0.6)
        x, y = rng.uniform(0, opts.width - w), rng.uniform(0, opts.height - h)
        cands.append(([x, y, w, h], rng.uniform(0.1, 0.9)))
    cands.sort(key=lambda c: -c[1])
    return [{"det_bbox": [round(float(v), 2) for v in box], "det_score": round(float(s), 4)}
            for box, s in cands]


def write_video(out_dir: str, video: SyntheticVideo, seed: int, *,
                mp4_fps: float | None = None) -> None:
    """Write one video's frames, GT annotations, detection and GT-location files under ``out_dir``.

    ``video`` is anything with ``name``, ``number``, ``num_frames``, ``opts`` and
    ``frame(t) -> (image, [GTPerson])`` and ``ignore_regions(t) -> [(V, 2) polygon]``
    (written as the image's ``ignore_regions_x/y``); with ``mp4_fps`` the frames also go to
    ``out_dir/videos/<name>.mp4`` (mp4v).
    """
    name, opts = video.name, video.opts
    image_dir = os.path.join(out_dir, "images", SPLIT, name)
    os.makedirs(image_dir, exist_ok=True)
    movie = None
    if mp4_fps is not None:
        os.makedirs(os.path.join(out_dir, "videos"), exist_ok=True)
        movie = VideoSink(os.path.join(out_dir, "videos", f"{name}.mp4"), mp4_fps,
                          render=lambda frame, _: frame.image)
    rng = np.random.default_rng([seed, video.number, 1])  # detection noise only
    images, annotations, dets, gt_locations = [], [], [], []
    for t in range(video.num_frames):
        image, people = video.frame(t)
        file = f"{t:06d}.jpg"
        _, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, opts.jpeg_quality])
        write_bytes(os.path.join(image_dir, file), jpeg.tobytes())  # whole or not at all
        if movie is not None:
            movie.write(Frame(t, image), None)
        img_id = image_id(video.number, t)
        images.append({"file_name": f"images/{SPLIT}/{name}/{file}", "id": img_id, "frame_id": img_id,
                       "vid_id": f"{video.number:06d}", "is_labeled": True,
                       "nframes": video.num_frames})
        regions = video.ignore_regions(t)
        if regions:
            images[-1]["ignore_regions_x"] = [[round(float(x), 1) for x in r[:, 0]] for r in regions]
            images[-1]["ignore_regions_y"] = [[round(float(y), 1) for y in r[:, 1]] for r in regions]
        annotations += [annotation18(ann_id=img_id * 100 + k, image=img_id, track_id=p.track_id,
                                     keypoints=p.keypoints, box_xywh=p.box_xywh,
                                     head_box_xywh=p.head_box_xywh) for k, p in enumerate(people)]
        entry = {"folder": image_dir, "name": file, "id": t}
        dets.append({"image": entry, "candidates": detections(rng, people, opts)})
        gt_locations.append({"image": entry, "candidates": [
            {"det_bbox": [round(float(v), 3) for v in p.box_xywh], "det_score": 1} for p in people]})
    if movie is not None:
        movie.close()  # checks that it holds every frame, then renames it
    write_json(os.path.join(out_dir, "annotations", SPLIT, f"{name}.json"),
               {"images": images, "annotations": annotations, "categories": [person_category()]})
    write_json(os.path.join(out_dir, "detections_openSVAI", f"{name}.json"), dets)
    write_json(os.path.join(out_dir, "annotations_openSVAI", f"{name}.json"), gt_locations)


def write_dataset(out_dir: str, num_videos: int, num_frames: int, seed: int = 0,
                  opts: SyntheticOptions = SyntheticOptions()) -> list[str]:
    """Write ``num_videos`` videos in the PoseTrack'18 layout; returns the video names.

    ``out_dir/images/val/<video>/%06d.jpg``, ``out_dir/annotations/val/<video>.json`` (PoseTrack
    2018), ``out_dir/detections_openSVAI/<video>.json`` and ``out_dir/annotations_openSVAI/
    <video>.json`` (OpenSVAI detection files: noisy detections, and GT boxes with score 1).
    """
    if num_videos < 1 or num_frames < 1 or not 1 <= opts.min_people <= opts.max_people:
        raise LightTrackError("need at least one video, one frame and 1 <= min_people <= max_people")
    names = []
    for idx in range(num_videos):
        video = make_video(seed, idx, num_frames, opts)
        write_video(out_dir, video, seed)
        names.append(video.name)
    return names


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = SyntheticOptions()
    parser.add_argument("--out", default="data/synthetic_posetrack", help="output folder (default: %(default)s)")
    parser.add_argument("--videos", type=positive_int, default=5, help="number of videos (default: %(default)s)")
    parser.add_argument("--frames", type=positive_int, default=60, help="frames per video (default: %(default)s)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--width", type=positive_int, default=defaults.width, help="image width (default: %(default)s)")
    parser.add_argument("--height", type=positive_int, default=defaults.height, help="image height (default: %(default)s)")
    parser.add_argument("--box-jitter", type=non_negative_float, default=defaults.box_jitter,
                        help="detection box noise, fraction of the box size (default: %(default)s)")
    parser.add_argument("--miss-rate", type=unit_float, default=defaults.miss_rate,
                        help="probability of a missed detection (default: %(default)s)")
    parser.add_argument("--false-positive-rate", type=non_negative_float,
                        default=defaults.false_positive_rate,
                        help="mean false detections per frame (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    opts = replace(SyntheticOptions(), width=args.width, height=args.height, box_jitter=args.box_jitter,
                   miss_rate=args.miss_rate, false_positive_rate=args.false_positive_rate)
    require_output_dir(args.out, "--out")
    with OutputLock(args.out):
        names = write_dataset(args.out, args.videos, args.frames, args.seed, opts)
    print(f"wrote {len(names)} videos x {args.frames} frames to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))

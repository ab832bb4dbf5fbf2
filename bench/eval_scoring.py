"""Run several ``Row``s side by side over the real-pixel PoseTrack'18 set and over a video
without ground truth, and score them (mAP, MOTA, HOTA, IDF1, ... via ``lib.eval``).

Each clip is decoded once and every row's tracker steps through the same frames, with the model
outputs shared through the clip's ``ClipCache``. A row whose component cannot be built (no
weights) is dropped at its first frame with the reason.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import cv2
import numpy as np

from bench.eval_rows import Row, build_tracker
from bench.model_cache import ClipCache
from data.annotate_realpix import MIN_SCORE
from lib import geometry
from lib.cli import VIDEO_FPS
from lib.errors import LightTrackError
from lib.eval.posetrack import evaluate
from lib.formats.jsonfile import load_json, write_json
from lib.formats.posetrack import annotation18, natural_key
from lib.video import frame_rate, open_capture, read_frames

log = logging.getLogger(__name__)

REALPIX_METRICS = ("mAP", "MOTA", "HOTA", "IDF1", "IDSW", "recall", "precision")
POSETRACK_FPS = 25.0  # PoseTrack'18 clips and the real-pixel set
#: every row's predictions keep the joints scored above this: one cut for all models (as
#: poseval's converter applies one --drop_thresh to a run), the score at which both reference
#: models had to see a joint for the set to annotate it
JOINT_SCORE_THRESH = MIN_SCORE


def run_rows(rows: list[Row], frames, cache: ClipCache, matchers: dict, skipped: dict,
             frame_rate: float) -> dict:
    """row name -> per-frame ``FrameResult`` list for every row not in ``skipped``; a row
    whose component fails to build is added to ``skipped`` (name -> reason)."""
    trackers = {row.name: build_tracker(row, cache, matchers, frame_rate) for row in rows
                if row.name not in skipped}
    results = {name: [] for name in trackers}
    for frame_idx, image in enumerate(frames):
        cache.frame_idx = frame_idx
        for name in list(trackers):
            try:
                results[name].append(trackers[name].step(image))
            except LightTrackError as err:
                skipped[name] = str(err)
                del trackers[name], results[name]
    cache.save()
    return results


def predictions(gt_doc: dict, results: list, keypoint_thresh: float) -> dict:
    """A PoseTrack'18 prediction document: per GT image the tracked persons, joints scored
    above ``keypoint_thresh``."""
    annotations = []
    for image, result in zip(gt_doc["images"], results):
        for person in result.persons:
            keypoints = np.asarray(person.keypoints, float)
            kept = keypoints[:, 2] > keypoint_thresh
            if not kept.any():
                continue
            # a joint left out is x = y = visibility = 0 (poseval), as lib.formats.posetrack writes
            visible = np.column_stack([np.where(kept[:, None], keypoints[:, :2], 0.0),
                                       kept.astype(float)])
            annotations.append(annotation18(
                ann_id=len(annotations), image=image["id"], track_id=person.track_id,
                keypoints=visible, box_xywh=geometry.xyxy_to_xywh(person.box_xyxy),
                scores=keypoints[:, 2]))
    return {"images": gt_doc["images"], "annotations": annotations,
            "categories": gt_doc.get("categories", [])}


def _images(root: Path, gt_doc: dict):
    for image in gt_doc["images"]:
        frame = cv2.imread(str(root / image["file_name"]))
        if frame is None:
            raise LightTrackError(f"cannot read {root / image['file_name']}: run make realpix")
        yield frame


def score_posetrack_set(rows: list[Row], root: Path, matchers: dict, skipped: dict,
                        joint_thresh: float = JOINT_SCORE_THRESH, split: str = "val") -> dict:
    """row name -> {metric: value} for ``REALPIX_METRICS`` over every clip of ``root``, the
    joints scored above ``joint_thresh`` predicted."""
    gt_dir = root / "annotations" / split
    gt_paths = sorted(gt_dir.glob("*.json"), key=lambda p: natural_key(p.name))
    if not gt_paths:
        raise LightTrackError(f"{gt_dir}: no annotation files; run make realpix")
    with tempfile.TemporaryDirectory() as work:
        for gt_path in gt_paths:
            gt_doc = load_json(gt_path)
            cache = ClipCache(f"{root.name}/{gt_path.stem}", gt_path)
            done = run_rows(rows, _images(root, gt_doc), cache, matchers, skipped, POSETRACK_FPS)
            for name, results in done.items():
                write_json(Path(work) / safe(name) / gt_path.name,
                           predictions(gt_doc, results, joint_thresh))
            log.info("%s: %d rows tracked", gt_path.stem, len(done))
        scores = {}
        for row in rows:
            if row.name not in skipped:
                result = evaluate(gt_dir, Path(work) / safe(row.name))
                scores[row.name] = {key: result[key] for key in REALPIX_METRICS}
    return scores


def track_video(rows: list[Row], video_path: Path, matchers: dict, skipped: dict) -> dict:
    """row name -> per-frame lists of track ids over the video ``video_path``."""
    cache = ClipCache(video_path.stem, video_path)
    capture = open_capture(str(video_path))
    fps = frame_rate(capture) or VIDEO_FPS
    frames = (frame.image for frame in read_frames(capture, video_path.stem))
    done = run_rows(rows, frames, cache, matchers, skipped, fps)
    return {name: [[p.track_id for p in result.persons] for result in results]
            for name, results in done.items()}


def safe(name: str) -> str:
    """A folder name for a row name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)

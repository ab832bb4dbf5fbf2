"""The published ablations on a PoseTrack-layout folder: track, convert, evaluate, tabulate (no framework).

Each configuration (detection boxes or GT locations, pose matching on or off, a keyframe
interval) runs the PoseTrack processing loop, the converter and the evaluator, and gives one row
of the published table (Methods | Det Mode | Pose Match | mAP | MOTA | MOTP).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Callable

from lib.errors import LightTrackError
from lib.eval import posetrack as posetrack_eval
from lib.formats.posetrack import convert_folder
from lib.batch.process import INPUT_DIRS, PRESET, PoseTrackModels, PoseTrackRun, process_videos

DROP_THRESH = {"det": 0.8, "gt": 0.7}  # published keypoint-dropping thresholds (README)
BBOX_THRESH = 0.4                      # published converter -e


@dataclass(frozen=True)
class Config:
    """One ablation run: ``det_mode`` "det" or "gt", pose matching on/off, keyframe interval,
    and the tracker's association ("published" or "memory", ``LightTracker``)."""

    det_mode: str
    pose_match: bool
    keyframe_interval: int = PRESET["keyframe_interval"]
    association: str = "published"

    @property
    def name(self) -> str:
        suffix = "" if self.association == "published" else f"_{self.association}"
        return f"{self.det_mode}_match{int(self.pose_match)}_kf{self.keyframe_interval}{suffix}"


def configurations(keyframe_intervals=(PRESET["keyframe_interval"],),
                   associations=("published",)) -> list[Config]:
    """The published grid (DET then GT, pose matching on then off, for each interval), once per
    association."""
    return [Config(mode, match, k, association) for association in associations
            for k in keyframe_intervals for mode in ("det", "gt") for match in (True, False)]


def run_config(config: Config, data_root: str, work_dir: str, models: PoseTrackModels, *,
               match_thresh: float = PRESET["match_thresh"],
               posetrack_format: int = 18, progress: bool = False, pool=None,
               evaluate: Callable[[str, str], dict] = posetrack_eval.evaluate) -> dict:
    """Track, convert and evaluate one configuration; its files go to ``work_dir/<name>/``
    (cleared first). ``models``: the pose estimator and matcher (loaded once per worker of
    ``pool``, a ``lib.batch.parallel.worker_pool``; default: here); ``match_thresh`` is the
    matcher distance used when pose matching is on (published 1.0 for the SGCN).
    LightTrackError if a video fails."""
    run_dir = os.path.join(work_dir, config.name)
    shutil.rmtree(run_dir, ignore_errors=True)
    tracked, predictions = os.path.join(run_dir, "results_openSVAI"), os.path.join(run_dir, "predictions")
    gt_dir = os.path.join(data_root, "annotations", models.split)
    spec = PoseTrackRun(models, keyframe_interval=config.keyframe_interval,
                        match_thresh=match_thresh if config.pose_match else -1.0,
                        association=config.association,
                        image_root=os.path.join(data_root, "images", models.split))
    batch = process_videos(os.path.join(data_root, INPUT_DIRS[config.det_mode]), tracked, spec,
                           pool=pool, progress=progress)
    if batch.failed:
        raise LightTrackError(f"{config.name}: {len(batch.failed)} videos failed, first "
                              f"{batch.failed[0].name}: {batch.failed[0].error}")
    convert_folder(gt_dir, tracked, predictions, posetrack_format=posetrack_format,
                   bbox_thresh=BBOX_THRESH, drop_thresh=DROP_THRESH[config.det_mode], track=True)
    return evaluate(gt_dir, predictions)


def format_table(rows: list[tuple[str, Config, dict]]) -> str:
    """The published Markdown table, one row per (method, config, metrics)."""
    lines = ["| Methods | Det Mode | Pose Match | mAP | MOTA | MOTP |",
             "|:-------:|:--------:|:----------:|:---:|:----:|:----:|"]
    for method, config, metrics in rows:
        values = " | ".join(f"{float(metrics[k]):.1f}" for k in ("mAP", "MOTA", "MOTP"))
        lines.append(f"| {method} | {config.det_mode.upper()} | "
                     f"{'Yes' if config.pose_match else 'No'} | {values} |")
    return "\n".join(lines)

"""Scripted components for driving the scripts' real command line without loading a model.

``python -m tests.scripts.fakes SCRIPT ARGS...`` adds the names ``scripted`` (detector and
pose) to ``lib.components.TABLE`` and runs SCRIPT as ``__main__``. The detector finds one
person in the middle of every frame; the estimator puts a pose in each box, waiting
``FAKE_POSE_SECONDS`` (environment, default 0) per frame so a test can signal a run midway.
"""
from __future__ import annotations

import os
import runpy
import sys
import time

import numpy as np

from lib import components
from lib.interfaces import StatelessPoseEstimator
from lib.joints import NUM_JOINTS


class ScriptedDetector:
    """One box covering the middle half of the frame, score 0.9."""

    def reset(self) -> None:
        pass

    @classmethod
    def from_options(cls, **options):
        return cls()

    def detect(self, image):
        height, width = image.shape[:2]
        box = [width / 4, height / 4, 3 * width / 4, 3 * height / 4]
        return np.array([box], dtype=np.float64), np.array([0.9])


class ScriptedEstimator(StatelessPoseEstimator):
    """The same pose in every box: joints on the frame's diagonal from 30 % to 70 %, score 0.8
    (a person standing still)."""

    lost_score_thresh = 0.5

    @classmethod
    def from_options(cls, **options):
        return cls()

    def estimate(self, image, boxes_xyxy, track_ids=None):
        time.sleep(float(os.environ.get("FAKE_POSE_SECONDS", "0")))
        height, width = image.shape[:2]
        steps = np.linspace(0.3, 0.7, NUM_JOINTS)
        pose = np.column_stack([steps * width, steps * height, np.full(NUM_JOINTS, 0.8)])
        return np.repeat(pose[None], len(boxes_xyxy), axis=0)


def main() -> None:
    components.TABLE["detector"]["scripted"] = ("tests.scripts.fakes", "ScriptedDetector")
    components.TABLE["pose"]["scripted"] = ("tests.scripts.fakes", "ScriptedEstimator")
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()

"""PoseTrack batch loop: published rules, detection reading, tracking a tiny_posetrack synthetic set, resume."""
import json
import os

import numpy as np
import pytest

from tests.conftest import TINY_VIDEOS
from lib.errors import LightTrackError
from lib.formats.opensvai import Candidate, OpenSVAIFrame, read_opensvai
from lib.formats.posetrack import annotations18, read_posetrack18
from lib.batch.oracle import ORACLE, OracleEstimator
from lib.batch.process import (PoseTrackModels, PoseTrackRun, frame_detections,
                               posetrack_tracker, process_videos, read_frame_image)


def _oracle_tracker(root):
    """The ``process_videos`` spec for the oracle without a matcher."""
    return PoseTrackRun(PoseTrackModels(ORACLE, str(root)))


def test_published_rules():
    tracker = posetrack_tracker(OracleEstimator({}), None)
    assert (tracker.keyframe_interval, tracker.match_thresh, tracker.pose_match) == (2, 1.0, "first")
    assert tracker.empty_detections_end_tracks


def test_frame_detections_keep_score_04_and_give_xyxy():
    frame = OpenSVAIFrame("f", "000000.jpg", 0, [
        Candidate(np.array([10, 20, 30, 40.]), 0.4), Candidate(np.array([0, 0, 5, 5.]), 0.39),
        Candidate(np.array([50, 60, 10, 10.]), 0.9)])
    boxes, scores = frame_detections(frame)
    np.testing.assert_array_equal(boxes, [[10, 20, 40, 60], [50, 60, 60, 70]])
    np.testing.assert_array_equal(scores, [0.4, 0.9])
    assert frame_detections(OpenSVAIFrame("f", "x", 0, []))[0].shape == (0, 4)


@pytest.mark.parametrize("mode, max_fragments", [("annotations_openSVAI", 1.5),
                                                  ("detections_openSVAI", 2.0)])
def test_tracks_follow_the_ground_truth(tiny_posetrack, tmp_path, mode, max_fragments):
    batch = process_videos(str(tiny_posetrack / mode), str(tmp_path / "out"),
                           _oracle_tracker(tiny_posetrack), progress=False)
    assert batch.status == dict.fromkeys(TINY_VIDEOS, "done")
    agree = total = num_tracks = num_gt_tracks = 0
    for name in TINY_VIDEOS:
        frames = read_opensvai(str(tmp_path / "out" / f"{name}.json"))
        doc = read_posetrack18(str(tiny_posetrack / "annotations" / "val" / f"{name}.json"))
        gt = annotations18(doc)
        assert len(frames) == len(doc["images"]) == 12
        owner = {}  # output track id -> GT track ids it followed
        for frame, image in zip(frames, doc["images"]):
            assert frame.name == os.path.basename(image["file_name"])
            ids = [c.track_id for c in frame.candidates if not c.is_placeholder]
            assert len(ids) == len(set(ids)), "two people with one id in a frame"
            for cand in frame.candidates:
                if cand.is_placeholder or not (cand.keypoints[:, 2] > 0).any():
                    continue
                seen = cand.keypoints[:, 2] > 0
                match = [p.track_id for p in gt[image["id"]]
                         if np.allclose(p.keypoints[seen, :2], cand.keypoints[seen, :2], atol=0.01)]
                assert len(match) == 1, "the oracle pose is a GT pose"
                owner.setdefault(cand.track_id, []).append(match[0])
        num_tracks += len(owner)
        num_gt_tracks += len({p.track_id for people in gt.values() for p in people})
        for followed in owner.values():
            agree += max(followed.count(g) for g in set(followed))
            total += len(followed)
    assert agree / total > 0.9  # each output track follows one person...
    assert num_tracks <= max_fragments * num_gt_tracks  # ...and a person is not cut in many


def test_resume_skips_finished_videos(tiny_posetrack, tmp_path):
    out = tmp_path / "out"
    process_videos(str(tiny_posetrack / "annotations_openSVAI"), str(out), _oracle_tracker(tiny_posetrack), progress=False)
    first = out / f"{TINY_VIDEOS[0]}.json"
    first.write_text("[]")  # a finished video is never redone
    (out / f"{TINY_VIDEOS[1]}.json").rename(out / f"{TINY_VIDEOS[1]}.json.partial")  # an interrupted one is
    batch = process_videos(str(tiny_posetrack / "annotations_openSVAI"), str(out), _oracle_tracker(tiny_posetrack),
                           progress=False)
    assert batch.status == {TINY_VIDEOS[0]: "skipped", TINY_VIDEOS[1]: "done"}
    assert first.read_text() == "[]"
    assert len(json.loads((out / f"{TINY_VIDEOS[1]}.json").read_text())) == 12
    assert sorted(os.listdir(out)) == [f"{n}.json" for n in TINY_VIDEOS]


def test_bad_input(tiny_posetrack, tmp_path):
    with pytest.raises(LightTrackError, match="folder not found"):
        process_videos(str(tmp_path / "missing"), str(tmp_path / "out"), _oracle_tracker(tiny_posetrack))
    (tmp_path / "dets").mkdir()
    with pytest.raises(LightTrackError, match="no .json detection files"):
        process_videos(str(tmp_path / "dets"), str(tmp_path / "out"), _oracle_tracker(tiny_posetrack))
    with pytest.raises(LightTrackError, match="cannot read frame image nowhere/000000.jpg"):
        read_frame_image(OpenSVAIFrame("nowhere", "000000.jpg", 0, []))
    fallback = tiny_posetrack / "images" / "val" / TINY_VIDEOS[0]
    assert read_frame_image(OpenSVAIFrame("nowhere", "000000.jpg", 0, []), str(fallback)).shape == (180, 320, 3)

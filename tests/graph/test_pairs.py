"""Pair mining from PoseTrack'18 files (SPEC §5.4 with its bugs fixed), and make_pairs.py."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graph import pairs
from graph.skeleton import keypoints_to_graphs
from lib.errors import LightTrackError
from tests.graph.poses import ARMS_UP, STANDING, pose, posetrack18_annotation, write_posetrack18

ROOT = Path(__file__).resolve().parents[2]


def person(track_id, image_id, cx, shape=STANDING, height=300, bbox=True):
    kps = pose(shape, cx, 200, height)
    box = [cx - 80, 40, 160, 330] if bbox else None
    return posetrack18_annotation(kps, image_id, track_id, box)


@pytest.fixture
def video_file(tmp_path):
    # tracks 3 and 7 (7 is the largest id: the original skipped it) in images 10, 11, 13;
    # track 7 overlaps track 3 (hard negative); track 5 is small (60 px boxes)
    anns = []
    for image_id in (10, 11, 13):
        anns += [person(3, image_id, 200), person(7, image_id, 260, ARMS_UP)]
    anns.append(posetrack18_annotation(pose(STANDING, 600, 100, 50), 10, 5, [570, 70, 60, 60]))
    anns.append(person(9, 11, 900, bbox=False))
    anns.append({"image_id": 11, "track_id": 4, "keypoints": [0] * 51})  # nothing visible
    path = tmp_path / "annotations" / "val" / "video.json"
    path.parent.mkdir(parents=True)
    write_posetrack18(path, anns)
    return path


def test_reads_slots_by_name_and_keeps_visible_people(video_file):
    video = pairs.read_video_poses(video_file)
    assert sorted(set(video.track_ids.tolist())) == [3, 5, 7, 9]
    first = np.flatnonzero((video.track_ids == 3) & (video.image_ids == 10))[0]
    np.testing.assert_allclose(video.keypoints[first], pose(STANDING, 200, 200, 300))
    np.testing.assert_allclose(video.boxes_xywh[first], [120, 40, 160, 330])


def test_box_from_keypoints_when_bbox_is_missing(video_file):
    video = pairs.read_video_poses(video_file)
    kps = pose(STANDING, 900, 200, 300)
    x1, y1, x2, y2 = kps[:, 0].min(), kps[:, 1].min(), kps[:, 0].max(), kps[:, 1].max()
    mx, my = int(0.1 * (x2 - x1)), int(0.1 * (y2 - y1))
    expected = [x1 - mx, y1 - my, int(x2 + mx) - int(x1 - mx), int(y2 + my) - int(y1 - my)]
    np.testing.assert_allclose(video.boxes_xywh[video.track_ids == 9][0], expected)


def test_positives_are_consecutive_frames_of_every_track(video_file):
    video = pairs.read_video_poses(video_file)
    found = {(int(video.track_ids[a]), int(video.image_ids[a]), int(video.image_ids[b]))
             for a, b in pairs.positive_pairs(video)}
    # the gap 11 -> 13 is not below 2; the largest track id 9 has one entry only
    assert found == {(3, 10, 11), (7, 10, 11)}
    wider = {(int(video.track_ids[a]), int(video.image_ids[b]))
             for a, b in pairs.positive_pairs(video, gap_limit=3)}
    assert (3, 13) in wider and (7, 13) in wider


def test_negatives_are_ordered_pairs_within_one_image(video_file):
    video = pairs.read_video_poses(video_file)
    found = {(int(video.image_ids[a]), int(video.track_ids[a]), int(video.track_ids[b]))
             for a, b in pairs.negative_pairs(video)}
    assert {(10, 3, 7), (10, 7, 3), (10, 3, 5), (10, 5, 3), (11, 9, 7), (13, 7, 3)} <= found
    assert len(found) == 6 + 6 + 2  # images 10 and 11 have 3 people, image 13 two
    assert all(video.image_ids[a] == video.image_ids[b] for a, b in pairs.negative_pairs(video))


def test_hard_negatives_need_overlapping_boxes(video_file):
    video = pairs.read_video_poses(video_file)
    hard = pairs.negative_pairs(video, hard_iou_thresh=0.2)
    # boxes at x 120 and 180, width 160: IoU (101 * 331) / (2 * 161 * 331 - 101 * 331) = 0.46
    assert {(int(video.track_ids[a]), int(video.track_ids[b])) for a, b in hard} == {(3, 7), (7, 3)}
    assert len(pairs.negative_pairs(video, hard_iou_thresh=0.5)) == 0


def test_size_filter_drops_pairs_with_a_small_box(video_file):
    video = pairs.read_video_poses(video_file)
    kept = pairs.large_enough(video, pairs.negative_pairs(video), min_box_size=100)
    assert 5 not in video.track_ids[kept].ravel()
    assert len(pairs.large_enough(video, pairs.negative_pairs(video), min_box_size=10)) == 14


def test_mine_pairs_builds_graphs_from_each_box(video_file):
    video = pairs.read_video_poses(video_file)
    graphs, labels = pairs.mine_pairs([video], negatives="hard")
    assert graphs.shape == (len(labels), 2, 2, 1, 15, 1)
    assert labels.tolist().count(1) == 2 and labels.tolist().count(0) == 6  # 2 per image
    a, b = pairs.positive_pairs(video)[0]
    np.testing.assert_array_equal(
        graphs[0, 1], keypoints_to_graphs(video.keypoints[[b]], video.boxes_xywh[[b]])[0])


def test_camera_jitter_moves_pose_and_box_together():
    kps = pose(STANDING, 300, 200, 200)[None]
    box = np.array([[220.0, 80.0, 160.0, 230.0]])
    rng = np.random.default_rng(0)
    shifted_kps, shifted_box = pairs.camera_jitter(kps, box, rng, scale_range=(1, 1))
    before, after = keypoints_to_graphs(kps, box), keypoints_to_graphs(shifted_kps, shifted_box)
    assert np.abs(after - before).max() <= 1  # only truncation changes
    zoomed_kps, zoomed_box = pairs.camera_jitter(kps, box, rng, scale_range=(2, 2), max_shift=0)
    np.testing.assert_allclose(zoomed_box[0, 2:], 2 * box[0, 2:])
    np.testing.assert_allclose(zoomed_kps[0, :, :2] - zoomed_box[0, :2],
                               2 * (kps[0, :, :2] - box[0, :2]))


def test_pair_file_round_trip_and_bad_file(tmp_path):
    graphs = np.arange(2 * 2 * 2 * 15, dtype=np.float32).reshape(2, 2, 2, 1, 15, 1)
    pairs.save_pairs(tmp_path / "p.npz", graphs, np.array([1, 0]))
    loaded, labels = pairs.load_pairs(tmp_path / "p.npz")
    np.testing.assert_array_equal(loaded, graphs)
    assert labels.tolist() == [1, 0]
    (tmp_path / "bad.npz").write_text("not a zip")
    with pytest.raises(LightTrackError, match="make_pairs"):
        pairs.load_pairs(tmp_path / "bad.npz")


def test_make_pairs_script(video_file, tmp_path):
    out = tmp_path / "pairs.npz"
    run = subprocess.run([sys.executable, "-m", "graph.make_pairs", "--annotations",
                          str(tmp_path / "annotations"), "--out", str(out), "--jitter"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    # the 4 pairs with the small person are dropped
    assert "2 positive and 10 all negative" in run.stdout
    assert len(pairs.load_pairs(out)[1]) == 2 + 10
    bad = subprocess.run([sys.executable, "-m", "graph.make_pairs", "--annotations",
                          str(tmp_path / "nowhere"), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no .json" in bad.stderr

"""Synthetic PoseTrack'18 generator: determinism, layout and annotation validity."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from data.synthetic_posetrack import (MIN_LABELED_JOINTS, SyntheticOptions, main, make_video,
                                      write_dataset)
from lib.cli import run_main
from lib.errors import LightTrackError
from lib.joints import POSETRACK18_KEYPOINTS

OPTS = SyntheticOptions(width=320, height=180)


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    names = write_dataset(str(out), num_videos=2, num_frames=12, seed=3, opts=OPTS)
    return out, names


def test_same_seed_same_files_other_seed_other_files(dataset, tmp_path):
    out, names = dataset
    write_dataset(str(tmp_path / "again"), 2, 12, seed=3, opts=OPTS)
    write_dataset(str(tmp_path / "other"), 2, 12, seed=4, opts=OPTS)
    first, again, other = _tree(out), _tree(tmp_path / "again"), _tree(tmp_path / "other")
    # the detection files name their image folder, which differs between output folders
    strip = lambda tree: {k: v for k, v in tree.items() if "openSVAI" not in k}  # noqa: E731
    assert strip(first) == strip(again)
    assert strip(first) != strip(other)
    assert names == ["000001_synthetic", "000002_synthetic"]


def test_layout_and_posetrack18_keys(dataset):
    out, names = dataset
    for name in names:
        doc = json.loads((out / "annotations" / "val" / f"{name}.json").read_text())
        assert [c["name"] for c in doc["categories"]] == ["person"]
        assert doc["categories"][0]["keypoints"] == list(POSETRACK18_KEYPOINTS)
        assert len(doc["images"]) == 12
        ids = [img["id"] for img in doc["images"]]
        assert len(set(ids)) == 12 and all(isinstance(i, int) for i in ids)
        for t, img in enumerate(doc["images"]):
            assert img["file_name"] == f"images/val/{name}/{t:06d}.jpg"
            assert img["is_labeled"] is True and img["nframes"] == 12 and img["frame_id"] == img["id"]
            image = cv2.imread(str(out / img["file_name"]))
            assert image.shape == (180, 320, 3)
        assert doc["annotations"], "every video has people"
        for ann in doc["annotations"]:
            assert ann["image_id"] in ids and ann["category_id"] == 1
            kps = np.array(ann["keypoints"]).reshape(17, 3)
            assert len(ann["keypoints"]) == 51 and len(ann["bbox"]) == 4 and len(ann["bbox_head"]) == 4
            ears = [POSETRACK18_KEYPOINTS.index("left_ear"), POSETRACK18_KEYPOINTS.index("right_ear")]
            assert not kps[ears].any()
            labeled = kps[:, 2] > 0
            assert labeled.sum() >= MIN_LABELED_JOINTS
            x, y, w, h = ann["bbox"]
            assert (kps[labeled, 0] >= x).all() and (kps[labeled, 0] <= x + w).all()
            assert (kps[labeled, 1] >= y).all() and (kps[labeled, 1] <= y + h).all()
            assert not kps[~labeled].any()
        per_frame = {}
        for ann in doc["annotations"]:
            per_frame.setdefault(ann["image_id"], []).append(ann["track_id"])
        assert all(len(v) == len(set(v)) for v in per_frame.values())


def test_detection_and_gt_location_files(dataset):
    out, names = dataset
    for name in names:
        gt = json.loads((out / "annotations" / "val" / f"{name}.json").read_text())
        for kind in ("detections_openSVAI", "annotations_openSVAI"):
            frames = json.loads((out / kind / f"{name}.json").read_text())
            assert len(frames) == 12
            for t, frame in enumerate(frames):
                assert frame["image"]["id"] == t and frame["image"]["name"] == f"{t:06d}.jpg"
                path = Path(frame["image"]["folder"]) / frame["image"]["name"]
                assert path.is_file() and path.parent.name == name
                for cand in frame["candidates"]:
                    assert len(cand["det_bbox"]) == 4 and 0 <= cand["det_score"] <= 1
        gt_locations = json.loads((out / "annotations_openSVAI" / f"{name}.json").read_text())
        boxes = [c["det_bbox"] for f in gt_locations for c in f["candidates"]]
        assert sorted(map(tuple, boxes)) == sorted(tuple(a["bbox"]) for a in gt["annotations"])


def test_people_cross_enter_and_hide_each_other():
    video = make_video(seed=0, video_idx=0, num_frames=60)
    frames = [video.frame(t, render=False)[1] for t in range(60)]
    counts = [len(people) for people in frames]
    assert min(counts) < max(counts), "people enter or leave"
    pair = {w.track_id: w for w in video.walkers if w.track_id < 2}
    hips = [[video.to_image(pair[k].joints(t), t)[2, 0] for k in (0, 1)] for t in (0, 59)]
    assert (hips[0][0] - hips[0][1]) * (hips[1][0] - hips[1][1]) < 0, "tracks 0 and 1 cross"
    hidden = 0
    for t, people in enumerate(frames):
        for p in people:
            joints = video.to_image(next(w for w in video.walkers if w.track_id == p.track_id)
                                    .joints(t), t)
            inside = (joints >= 0).all(1) & (joints[:, 0] < 640) & (joints[:, 1] < 360)
            hidden += int((inside & (p.keypoints[:, 2] == 0)).sum())
    assert hidden > 0, "some joints inside the image are covered by a nearer person"
    # with and without rendering the annotations are the same
    _, rendered = video.frame(30)
    assert [p.track_id for p in rendered] == [p.track_id for p in frames[30]]
    np.testing.assert_array_equal(rendered[0].keypoints, frames[30][0].keypoints)


def test_detection_noise_options(tmp_path):
    opts = SyntheticOptions(width=320, height=180, miss_rate=1.0, false_positive_rate=0.0)
    write_dataset(str(tmp_path), 1, 5, seed=0, opts=opts)
    frames = json.loads((tmp_path / "detections_openSVAI" / "000001_synthetic.json").read_text())
    assert all(f["candidates"] == [] for f in frames)


def test_cli_writes_and_rejects_bad_counts(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--videos", "1", "--frames", "3", "--width", "160",
                 "--height", "120"]) == 0
    assert (tmp_path / "images" / "val" / "000001_synthetic" / "000002.jpg").is_file()
    with pytest.raises(SystemExit) as stop:  # refused by the parser, before anything is written
        run_main(lambda: main(["--out", str(tmp_path), "--videos", "0"]))
    assert stop.value.code == 2 and "--videos: must be >= 1" in capsys.readouterr().err
    with pytest.raises(LightTrackError, match="need at least one video"):
        write_dataset(str(tmp_path), 0, 3)

"""The tiny stick-figure sets: deterministic, and read back by the training loaders."""
import numpy as np

from lib.training.annotations import load_coco, load_posetrack17
from lib.training.tiny import write_tiny_coco, write_tiny_posetrack


def test_tiny_sets_are_deterministic_and_load(tmp_path):
    sizes = {"train": 3, "val": 1}
    num = write_tiny_coco(tmp_path / "a", sizes, seed=5)
    assert write_tiny_coco(tmp_path / "b", sizes, seed=5) == num
    for rel in ["annotations/person_keypoints_train.json", "images/train_0002.jpg"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    coco = load_coco(tmp_path / "a/annotations/person_keypoints_train.json", tmp_path / "a")
    val = load_coco(tmp_path / "a/annotations/person_keypoints_val.json", tmp_path / "a")
    assert len(coco) + len(val) == num  # the crowd annotation is filtered out
    assert write_tiny_posetrack(tmp_path / "p", sizes, seed=5) == num
    posetrack = load_posetrack17(tmp_path / "p/posetrack_merged_train.json", tmp_path / "p")
    assert len(posetrack) == len(coco)
    for a, b in zip(coco, posetrack):  # same scenes, joints equal up to int() truncation
        both = (a.joints[:14, 2] > 0) & (b.joints[:14, 2] > 0)  # head top x: eyes vs nose
        assert np.abs(a.joints[:14][both, :2] - b.joints[:14][both, :2]).max() < 1

"""TrackMemory: pose NMS of candidates, duplicate followed poses, remembering and expiry in
seconds, re-identification of a lost track."""
import dataclasses

import numpy as np

from lib import geometry
from lib.memory.tracks import MemoryParams, TrackMemory
from tests.conftest import make_pose

IMAGE = np.zeros((360, 640, 3), np.uint8)


def body(cx, cy=180.0):
    return make_pose(0, 0) + np.array([cx, cy, 0.0])


def box(pose, margin=10.0):
    return np.array([pose[:, 0].min() - margin, pose[:, 1].min() - margin,
                     pose[:, 0].max() + margin, pose[:, 1].max() + margin])


def test_two_boxes_on_one_body_give_one_track():
    memory = TrackMemory(fps=25)
    pose = body(200)
    near_copy = pose + np.array([2.0, 1.0, 0.0])
    near_copy[:, 2] = 0.9  # the weaker of the two
    ids = memory.keyframe(0, IMAGE, np.stack([box(pose), box(near_copy, 25)]),
                          np.stack([pose, near_copy]))
    assert ids == [0, None] and list(memory.active) == [0]


def test_lost_track_is_reidentified_and_new_person_gets_new_id():
    memory = TrackMemory(fps=25)
    memory.keyframe(0, IMAGE, box(body(200))[None], body(200)[None])
    for t in range(1, 10):
        memory.follow(t, [0], box(body(200 + 2 * t))[None], body(200 + 2 * t)[None])
    memory.lose(0)
    ids = memory.keyframe(20, IMAGE, np.stack([box(body(240)), box(body(500))]),
                          np.stack([body(240), body(500)]))
    assert ids == [0, 1] and not memory.lost


def test_duplicate_followed_pose_drops_the_track_that_did_not_expect_it():
    memory = TrackMemory(fps=25)
    memory.keyframe(0, IMAGE, np.stack([box(body(200)), box(body(320))]),
                    np.stack([body(200), body(320)]))
    # track 1's box slid onto person 0: both followed poses are person 0 at x 202
    pose = body(202)
    lost = memory.follow(1, [0, 1], np.stack([box(pose), box(pose)]), np.stack([pose, pose]))
    assert lost == [1] and list(memory.active) == [0] and list(memory.lost) == [1]


def test_duplicate_in_a_wider_box_is_found_whatever_the_boxes_overlap():
    # track 0 (the elder) is followed in a wide box that slid onto track 1's person: its pose
    # is track 1's, though the two boxes overlap by IoU under 0.3
    memory = TrackMemory(fps=25)
    memory.keyframe(0, IMAGE, box(body(200))[None], body(200)[None])
    memory.keyframe(3, IMAGE, np.stack([box(body(200)), box(body(300))]),
                    np.stack([body(200), body(300)]))
    pose = body(300)
    wide = box(pose) + np.array([-150.0, -60.0, 60.0, 60.0])
    narrow = box(pose, margin=0.0)
    assert geometry.iou_matrix(wide[None], narrow[None])[0, 0] < 0.3
    lost = memory.follow(4, [0, 1], np.stack([wide, narrow]), np.stack([pose, pose]))
    assert lost == [0] and list(memory.active) == [1]


def test_equal_duplicates_drop_the_younger_track():
    memory = TrackMemory(fps=25)
    memory.keyframe(0, IMAGE, box(body(200))[None], body(200)[None])
    memory.keyframe(3, IMAGE, np.stack([box(body(200)), box(body(400))]),
                    np.stack([body(200), body(400)]))
    pose = body(300)  # both tracks' estimates land on one body, equally far from both
    assert memory.follow(4, [0, 1], np.stack([box(pose)] * 2), np.stack([pose] * 2)) == [1]


def test_memory_time_is_in_seconds():
    for fps, kept in ((25, True), (10, False)):
        memory = TrackMemory(params=dataclasses.replace(MemoryParams(), max_lost_seconds=3.0),
                             fps=fps)
        memory.keyframe(0, IMAGE, box(body(200))[None], body(200)[None])
        memory.follow(100, [0], box(body(200))[None], body(200)[None])  # seen for 100 frames
        memory.lose(0)
        memory.expire(100 + 40)  # 40 frames: 1.6 s at 25 fps, 4 s at 10 fps
        assert (0 in memory.lost) == kept


def test_tracks_are_remembered_as_long_as_they_were_seen():
    memory = TrackMemory(params=MemoryParams(remember_ratio=1.0), fps=25)
    memory.keyframe(0, IMAGE, np.stack([box(body(200)), box(body(400))]),
                    np.stack([body(200), body(400)]))
    for t in range(1, 30):  # track 0 seen 30 frames, track 1 only at frame 0
        memory.follow(t, [0], box(body(200))[None], body(200)[None])
    memory.lose(1)
    memory.lose(0)
    memory.expire(29 + 20)
    assert list(memory.lost) == [0]
    memory.expire(29 + 31)
    assert not memory.lost


def test_followed_pose_in_other_colours_is_lost():
    red, blue = IMAGE.copy(), IMAGE.copy()
    red[:, :, 2], blue[:, :, 0] = 255, 255
    memory = TrackMemory(fps=25)
    memory.keyframe(0, red, box(body(200))[None], body(200)[None])
    assert memory.follow(1, [0], box(body(201))[None], body(201)[None], image=red) == []
    assert memory.follow(2, [0], box(body(202))[None], body(202)[None], image=blue) == [0]
    assert list(memory.lost) == [0]
    off = TrackMemory(params=MemoryParams(follow_appearance_gate=None), fps=25)
    off.keyframe(0, red, box(body(200))[None], body(200)[None])
    assert off.follow(1, [0], box(body(201))[None], body(201)[None], image=blue) == []

"""The run's pictures: built from Statistics.per_frame, checked by the colours of their pixels."""
import cv2
import numpy as np

from lib.frame_log import FrameLog
from lib.interfaces import FrameResult, Track
from lib.joints import TRACK_COLORS
from lib.plots import STAGE_COLORS, track_segments, write_charts


def result(frame_idx, ids, det=0.0, pose=0.0, keyframe=False):
    persons = [Track(i, (0, 0, 10, 10), np.ones((15, 3))) for i in ids]
    return FrameResult(frame_idx, keyframe, persons, num_persons=len(ids), det_seconds=det,
                       pose_seconds=pose)


def sample_log():
    """Frames 0-49: pose only, ids 0 and 3; frames 50-99: detection only, id 3 alone."""
    log = FrameLog()
    for t in range(100):
        first = t < 50
        log.add(result(t, [0, 3] if first else [3], det=0 if first else 0.03,
                       pose=0.02 if first else 0, keyframe=t % 25 == 0),
                read=0, step=0.02 if first else 0.03, output=0, latency=0.05)
    return log


def pixels_of(image_bgr, hex_rgb):
    rgb = tuple(int(hex_rgb[i:i + 2], 16) for i in (1, 3, 5))
    return np.all(image_bgr == rgb[::-1], axis=2)


def columns(mask):
    return np.nonzero(mask.any(axis=0))[0]


def test_timing_chart_shows_each_stage_where_it_took_time(tmp_path):
    paths = write_charts(sample_log(), str(tmp_path), "clip")
    assert paths["timing"] == str(tmp_path / "stats" / "clip_timing.png")
    image = cv2.imread(paths["timing"])
    assert image.shape == (400, 1000, 3)
    pose = pixels_of(image, STAGE_COLORS["pose"])
    detection = pixels_of(image, STAGE_COLORS["detection"])
    pose_x, detection_x = columns(pose[250:]), columns(detection[250:])  # bars, not legend
    assert pose.sum() > 5000 and detection.sum() > 5000
    assert pose_x.max() < detection_x.min()  # pose in the first half, detection in the second
    # detection took 1.5x the pose time: its bars are about 1.5x as tall
    heights = [np.median(mask[:, cols].sum(axis=0)) for mask, cols in
               ((pose, pose_x), (detection, detection_x))]
    assert abs(heights[1] / heights[0] - 1.5) < 0.1


def test_tracks_chart_has_one_row_per_id_over_its_frames(tmp_path):
    log = sample_log()
    assert track_segments(log) == {0: [(0, 50)], 3: [(0, 100)]}
    image = cv2.imread(write_charts(log, str(tmp_path), "clip")["tracks"])
    assert image.shape == (400, 1000, 3)
    masks = [np.all(image == TRACK_COLORS[i], axis=2) for i in (0, 3)]
    rows = [np.nonzero(m.any(axis=1))[0] for m in masks]
    assert rows[0].max() < rows[1].min()  # id 0 above id 3
    widths = [len(columns(m)) for m in masks]
    assert abs(widths[0] / widths[1] - 0.5) < 0.03  # id 0 lasts half as long


def test_segments_span_dropped_frames_and_split_on_absence():
    log = FrameLog()
    for t, ids in [(0, [1]), (4, [1]), (5, []), (9, [1, 2])]:
        log.add(result(t, ids), read=0, step=0, output=0, latency=0)
    assert track_segments(log) == {1: [(0, 5), (9, 1)], 2: [(9, 1)]}


def test_a_run_without_people_still_gets_both_charts(tmp_path):
    log = FrameLog()
    for t in range(5):
        log.add(result(t, []), read=0, step=0.001, output=0, latency=0)
    paths = write_charts(log, str(tmp_path), "empty")
    assert all(cv2.imread(path).shape == (400, 1000, 3) for path in paths.values())

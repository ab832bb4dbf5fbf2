"""Proxy measures for a video without ground truth, against hand-computed values."""
import json

import cv2
import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.eval import proxy

# id 1 on frames 0-59 (60 frames), id 2 on 10-20 and again 70-79 (life 10-79: 70 frames),
# id 3 on frame 5 only, id 4 on 30-78 (49 frames: just short of 50)
IDS = [[] for _ in range(80)]
for frame in range(60):
    IDS[frame].append(1)
for frame in list(range(10, 21)) + list(range(70, 80)):
    IDS[frame].append(2)
IDS[5].append(3)
for frame in range(30, 79):
    IDS[frame].append(4)


def test_measures_against_hand_counts():
    counts = {5: 3, 15: 1, 40: 2, 65: 1, 75: 4}
    measures = proxy.proxy_measures(IDS, counts)
    assert measures.frames == (5, 15, 40, 65, 75)
    assert measures.tracked == (2, 2, 2, 1, 2)
    assert measures.counted == (3, 1, 2, 1, 4)
    assert (measures.tracked_total, measures.counted_total) == (9, 11)
    assert measures.count_mae == pytest.approx((1 + 1 + 0 + 0 + 2) / 5)
    assert measures.distinct_ids == 4
    assert measures.lasting_ids == 2  # ids 1 and 2; id 4 lives 49 frames
    assert proxy.proxy_measures(IDS, counts, min_frames=49).lasting_ids == 3
    assert "9/11" in measures.summary() and "4 distinct ids" in measures.summary()


def test_a_duplicated_id_on_one_frame_counts_once_and_spans_match_numpy():
    ids = [[7, 7], [], [8], [7]]
    assert proxy.proxy_measures(ids, {0: 1}).tracked == (1,)
    pairs = np.array([(track_id, frame) for frame, row in enumerate(IDS) for track_id in row])
    expected = {int(t): (int(pairs[pairs[:, 0] == t, 1].min()), int(pairs[pairs[:, 0] == t, 1].max()))
                for t in np.unique(pairs[:, 0])}
    assert proxy.id_spans(IDS) == expected


def test_counts_past_the_video_are_an_error():
    with pytest.raises(LightTrackError, match="counted frame 80 is past"):
        proxy.proxy_measures(IDS, {80: 1})


def test_load_counts(tmp_path):
    path = tmp_path / "counts.json"
    path.write_text(json.dumps({"rule": "half the body", "counts": {"34": 5, "0": 3}}))
    assert proxy.load_counts(path) == {0: 3, 34: 5}
    path.write_text(json.dumps({"34": 5}))
    with pytest.raises(LightTrackError, match="needs a 'counts' object"):
        proxy.load_counts(path)


def test_the_committed_vtest_counts_hold_at_least_20_frames_spread_over_the_clip():
    counts = proxy.load_counts("data/vtest_counts.json")
    assert len(counts) >= 20 and min(counts) < 100 and max(counts) > 700
    assert all(0 <= frame < 795 for frame in counts)


def coloured_bands(path) -> int:
    """Separate horizontal bands of coloured (track) marks in the picture at ``path``."""
    image = cv2.imread(str(path)).astype(int)
    assert image.shape[1] == 1000
    rows = np.flatnonzero((image.max(axis=2) - image.min(axis=2) > 100).any(axis=1))
    return 1 + int(np.sum(np.diff(rows) > 1))


def test_timeline_png_draws_one_row_per_id(tmp_path):
    assert coloured_bands(proxy.timeline_png(IDS, tmp_path / "a.png", marked_frames=[5])) == 4
    more = [row + [9] if frame == 50 else row for frame, row in enumerate(IDS)]
    assert coloured_bands(proxy.timeline_png(more, tmp_path / "b.png")) == 5

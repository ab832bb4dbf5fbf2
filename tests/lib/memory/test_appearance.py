"""Colour histograms of torso and legs: regions from the pose, distances against an independent
implementation (OpenCV's compareHist), the running update."""
import cv2
import numpy as np

from lib.memory import appearance
from tests.conftest import make_pose

PARAMS = appearance.AppearanceParams()


def person_pose(cx=100.0):
    """Upright pose: shoulders at y 100, hips at 200, knees at 280 (PoseTrack order)."""
    pose = make_pose(cx, 200, size=200)
    pose[8, :2], pose[9, :2] = (cx - 30, 100), (cx + 30, 100)
    pose[2, :2], pose[3, :2] = (cx - 20, 200), (cx + 20, 200)
    pose[1, :2], pose[4, :2] = (cx - 20, 280), (cx + 20, 280)
    return pose


def dressed(shirt_bgr, trousers_bgr, cx=100):
    image = np.full((360, 640, 3), 128, np.uint8)
    image[90:205, cx - 40:cx + 40] = shirt_bgr
    image[195:290, cx - 30:cx + 30] = trousers_bgr
    return image


def test_same_clothes_are_close_other_clothes_far():
    red_blue = appearance.describe(dressed((0, 0, 255), (255, 0, 0)), person_pose()[None], PARAMS)
    red_blue_2 = appearance.describe(dressed((10, 10, 240), (240, 10, 10), cx=300),
                                     person_pose(300)[None], PARAMS)
    green_black = appearance.describe(dressed((0, 200, 0), (20, 20, 20)), person_pose()[None],
                                      PARAMS)
    d = appearance.distances(red_blue, np.concatenate([red_blue_2, green_black]))
    assert d[0, 0] < 0.2 and d[0, 1] > 0.9


def test_black_and_white_clothes_differ():
    black = appearance.describe(dressed((10, 10, 10), (10, 10, 10)), person_pose()[None], PARAMS)
    white = appearance.describe(dressed((245, 245, 245), (245, 245, 245)), person_pose()[None],
                                PARAMS)
    assert appearance.distances(black, white)[0, 0] > 0.9


def test_distance_agrees_with_opencv_bhattacharyya():
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 2, appearance.NUM_BINS)), rng.random((4, 2, appearance.NUM_BINS))
    a /= a.sum(-1, keepdims=True)
    b /= b.sum(-1, keepdims=True)
    ours = appearance.distances(a, b)
    for i in range(3):
        for j in range(4):
            ref = np.mean([cv2.compareHist(a[i, r].astype(np.float32), b[j, r].astype(np.float32),
                                           cv2.HISTCMP_BHATTACHARYYA) for r in range(2)])
            assert abs(ours[i, j] - ref) < 1e-4


def test_hidden_regions_are_left_out():
    pose = person_pose()
    pose[[1, 4], 2] = 0.0  # knees unseen: no legs region
    desc = appearance.describe(dressed((0, 0, 255), (255, 0, 0)), pose[None], PARAMS)
    assert desc[0, 0].sum() > 0.99 and desc[0, 1].sum() == 0
    other = np.zeros((1, 2, appearance.NUM_BINS))
    assert np.isnan(appearance.distances(desc, other)[0, 0])


def test_update_blends_seen_regions_only():
    old = np.zeros((2, appearance.NUM_BINS))
    old[0, 0], old[1, 1] = 1.0, 1.0
    new = np.zeros((2, appearance.NUM_BINS))
    new[0, 2] = 1.0
    out = appearance.update(old, new, 0.25)
    assert np.allclose(out[0, [0, 2]], [0.75, 0.25]) and np.array_equal(out[1], old[1])
    assert np.array_equal(appearance.update(None, new, 0.25), new)


def test_bin_table_agrees_with_opencv_hsv_on_most_colours():
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, size=(1, 20000, 3), dtype=np.uint8)
    hsv = cv2.cvtColor(pixels, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(int)
    saturated = hsv[:, 1] >= PARAMS.min_saturation
    span = 256 - PARAMS.min_saturation
    hue_bins, saturation_bins = appearance.HUE_BINS, appearance.SATURATION_BINS
    direct = np.where(saturated, (hsv[:, 0] * hue_bins // 180) * saturation_bins
                      + np.minimum((hsv[:, 1] - PARAMS.min_saturation) * saturation_bins
                                   // span, saturation_bins - 1),
                      appearance.HUE_BINS * appearance.SATURATION_BINS
                      + hsv[:, 2] * appearance.VALUE_BINS // 256)
    q = pixels.reshape(-1, 3) >> 3
    table = appearance.bin_table(PARAMS.min_saturation)[q[:, 0], q[:, 1], q[:, 2]]
    assert np.mean(table == direct) > 0.9   # 5-bit cells: only colours near a bin edge differ

"""Heat-map flip test and peak decoding (SPEC §3.6)."""
import numpy as np
import pytest

from lib.joints import FLIP_PAIRS
from lib.pose.heatmaps import decode_heatmaps, flip_average, flip_back


def gaussian(x, y, sigma=2.0, shape=(96, 72), peak=200.0):
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    return peak * np.exp(-((cols - x) ** 2 + (rows - y) ** 2) / (2 * sigma ** 2))


@pytest.mark.parametrize("x, y", [(20.3, 40.8), (35.5, 10.2), (60.9, 80.4), (5.7, 88.6)])
def test_gaussian_decodes_within_half_a_pixel(x, y):
    heatmaps = np.stack([gaussian(x, y)] * 15, axis=-1)[None]
    keypoints = decode_heatmaps(heatmaps, [[0, 0, 288, 384]])
    assert keypoints.shape == (1, 15, 3)
    # crop = image here, so heat-map coordinates are (X - 2) / 4
    np.testing.assert_array_less(np.abs((keypoints[0, :, 0] - 2) / 4 - x), 0.5)
    np.testing.assert_array_less(np.abs((keypoints[0, :, 1] - 2) / 4 - y), 0.5)
    expected_score = gaussian(x, y)[round(y), round(x)] / 255 + 0.5
    np.testing.assert_allclose(keypoints[0, :, 2], round(expected_score, 3))


def test_decoding_maps_back_through_the_crop_box_and_batches():
    heatmaps = np.stack([np.stack([gaussian(10 + j, 20 + 2 * j) for j in range(15)], -1),
                         np.stack([gaussian(50 - j, 70 - j) for j in range(15)], -1)])
    details = np.array([[100, 50, 244, 242], [-20, -10, 124, 182]], float)
    keypoints = decode_heatmaps(heatmaps, details)
    single = decode_heatmaps(heatmaps[1:], details[1:])
    np.testing.assert_array_equal(keypoints[1:], single)
    xs = (keypoints[0, :, 0] - 100) / 144 * 288
    ys = (keypoints[0, :, 1] - 50) / 192 * 384
    np.testing.assert_array_less(np.abs((xs - 2) / 4 - (10 + np.arange(15))), 0.5)
    np.testing.assert_array_less(np.abs((ys - 2) / 4 - (20 + 2 * np.arange(15))), 0.5)


def test_quarter_pixel_shift_toward_second_maximum():
    heatmap = np.zeros((96, 72))
    heatmap[30, 40], heatmap[30, 41] = 100.0, 99.0   # blurred peak at x=40, runner-up at 41
    keypoints = decode_heatmaps(np.repeat(heatmap[None, :, :, None], 15, -1), [[0, 0, 288, 384]])
    np.testing.assert_allclose(keypoints[0, 0, :2], [4 * 40.25 + 2, 4 * 30 + 2])
    assert keypoints[0, 0, 2] == round(100 / 255 + 0.5, 3)


def test_flip_back_mirrors_and_swaps_pairs_on_asymmetric_input():
    rng = np.random.default_rng(1)
    flipped = rng.random((2, 96, 72, 15))
    back = flip_back(flipped)
    partner = list(range(15))
    for a, b in FLIP_PAIRS:
        partner[a], partner[b] = b, a
    for joint in range(15):
        np.testing.assert_array_equal(back[:, :, :, joint], flipped[:, :, ::-1, partner[joint]])
    # a right-ankle peak at x=10 of the mirrored crop is a left-ankle peak at x=61
    one = np.zeros((1, 96, 72, 15))
    one[0, 5, 10, 0] = 1
    assert np.argwhere(flip_back(one)[0]).tolist() == [[5, 61, 5]]


def test_flip_back_undoes_itself_so_flip_average_of_a_mirrored_copy_is_identity():
    heatmaps = np.random.default_rng(2).random((2, 96, 72, 15))
    np.testing.assert_array_equal(flip_back(flip_back(heatmaps)), heatmaps)
    np.testing.assert_array_equal(flip_average(heatmaps, flip_back(heatmaps)), heatmaps)

"""Heat-map targets (SPEC §3.7 joints_heatmap_gen)."""
import cv2
import numpy as np

from lib.training.targets import KERNELS, heatmap_targets


def test_targets_are_blurred_deltas_scaled_to_255():
    joints = np.zeros((2, 15, 3))
    joints[...] = -1e6
    joints[0, 3] = (101.0, 203.0, 2)
    joints[1, 14] = (400.0, 500.0, 1)  # clamped to (287, 383)
    maps = heatmap_targets(joints)
    assert maps.shape == (4, 2, 96, 72, 15) and maps.dtype == np.float32
    for level, size in enumerate(KERNELS):
        delta = np.zeros((96, 72), np.float32)
        delta[int(203 * 96 / 384), int(101 * 72 / 288)] = 1
        expected = cv2.GaussianBlur(delta, (size, size), 0)
        np.testing.assert_allclose(maps[level, 0, :, :, 3], expected * 255 / expected.max(),
                                   rtol=1e-5, atol=1e-4)
        assert maps[level, 1, 95, 71, 14] == np.float32(255)
    assert maps[:, 0, :, :, [0, 1, 2, 4]].max() == 0  # missing joints give empty maps
    # wider kernels give wider peaks
    widths = [(maps[level, 0, :, :, 3] > 127).sum() for level in range(4)]
    assert widths == sorted(widths, reverse=True)

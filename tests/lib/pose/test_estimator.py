"""The heat-map estimator end to end with a fake network that marks the brightest pixel."""
import numpy as np

from lib.pose.estimator import HeatmapPoseEstimator


def spot_network(crops):
    """Every channel peaks (value 255) at the brightest pixel of its crop, on the 96x72 grid."""
    brightness = crops.sum(axis=-1)
    heatmaps = np.zeros((len(crops), 96, 72, 15), np.float32)
    rows, cols = np.mgrid[:96, :72]
    for i, b in enumerate(brightness):
        y, x = np.unravel_index(b.argmax(), b.shape)
        blob = np.exp(-((cols - (x - 1.5) / 4) ** 2 + (rows - (y - 1.5) / 4) ** 2) / 8)
        heatmaps[i] = 255 * blob[:, :, None]
    return heatmaps


def test_estimator_finds_a_spot_through_crop_flip_and_decode():
    calls = []
    estimator = HeatmapPoseEstimator(lambda c: calls.append(len(c)) or spot_network(c))
    image = np.zeros((240, 320, 3), np.uint8)
    spots = [(100, 80), (250, 150)]
    for x, y in spots:
        image[y - 1:y + 2, x - 1:x + 2] = 255
    boxes_xyxy = np.array([[70, 40, 140, 150], [200, 100, 290, 230]], float)
    keypoints = estimator.estimate(image, boxes_xyxy)
    assert calls == [4]  # two crops and their mirrors in one forward pass
    assert keypoints.shape == (2, 15, 3)
    for person, (x, y) in enumerate(spots):
        crop_scale = (boxes_xyxy[person, 3] - boxes_xyxy[person, 1]) * 1.3 / 384
        assert np.abs(keypoints[person, :, 0] - x).max() < 4 * crop_scale * 1.5
        assert np.abs(keypoints[person, :, 1] - y).max() < 4 * crop_scale * 1.5
    # the mirrored spot lands up to a pixel away, so the average peaks a little below 255
    assert np.all((keypoints[:, :, 2] > 1.4) & (keypoints[:, :, 2] <= 1.5))
    assert estimator.estimate(image, np.zeros((0, 4))).shape == (0, 15, 3)

"""The person crop against a literal padded-image reference (SPEC §3.2)."""
import cv2
import numpy as np
import pytest

from lib.pose.crop import PIXEL_MEANS_BGR, crop_person


def reference_crop(image, box_xywh, extra_scale=1.0):
    """SPEC §3.2 step by step, padding the whole image as the original did."""
    height, width = image.shape[:2]
    add = max(height, width)
    padded = cv2.copyMakeBorder(image, add, add, add, add, cv2.BORDER_CONSTANT,
                                value=PIXEL_MEANS_BGR)
    x, y, w, h = box_xywh
    x, y = x + add, y + add
    crop_w, crop_h = w * 1.2 * extra_scale, h * 1.3 * extra_scale
    cx, cy = x + w / 2, y + h / 2
    size, ref = (crop_h, 384) if crop_h / 384 > crop_w / 288 else (crop_w, 288)
    ph, pw = padded.shape[:2]
    size = min(size, cx / 288 * ref * 2 - 1, (pw - cx) / 288 * ref * 2 - 1,
               cy / 384 * ref * 2 - 1, (ph - cy) / 384 * ref * 2 - 1)
    min_x, max_x = int(cx - size / 2 / ref * 288), int(cx + size / 2 / ref * 288)
    min_y, max_y = int(cy - size / 2 / ref * 384), int(cy + size / 2 / ref * 384)
    img = cv2.resize(padded[min_y:max_y, min_x:max_x], (288, 384))
    img = (img - np.array(PIXEL_MEANS_BGR)) / 255
    return img, np.array([min_x - add, min_y - add, max_x - add, max_y - add])


@pytest.fixture(scope="module")
def image():
    return np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)


@pytest.mark.parametrize("box, extra_scale", [
    ((40.3, 20.7, 30.0, 60.5), 1.0),      # tall box inside the image
    ((10.0, 50.0, 90.0, 20.0), 1.0),      # wide box
    ((-30.5, -20.0, 70.0, 90.0), 1.0),    # sticks out top-left: mean-colour border
    ((120.0, 80.0, 80.0, 70.0), 1.25),    # sticks out bottom-right, training scale
    ((-150.0, 10.0, 150.0, 100.0), 1.0),  # centre near the padded edge: size clamped
])
def test_crop_matches_padded_reference(image, box, extra_scale):
    crop, details = crop_person(image, box, extra_scale)
    expected, expected_details = reference_crop(image, box, extra_scale)
    assert crop.shape == (384, 288, 3) and crop.dtype == np.float32
    np.testing.assert_array_equal(details, expected_details)
    np.testing.assert_allclose(crop, expected, atol=1e-6)


def test_crop_and_map_back_round_trip():
    image = np.zeros((200, 300, 3), np.uint8)
    points = [(123.0, 61.0), (150.0, 140.0), (100.0, 100.0)]
    box = (90.0, 40.0, 80.0, 130.0)
    for x, y in points:
        image[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2] = 255
    crop, (x0, y0, x1, y1) = crop_person(image, box)
    bright = crop[:, :, 0] > crop[:, :, 0].min() + 0.5
    num, labels = cv2.connectedComponents(bright.astype(np.uint8))
    assert num - 1 == len(points)
    scale_x, scale_y = (x1 - x0) / 288, (y1 - y0) / 384
    for label in range(1, num):
        rows, cols = np.nonzero(labels == label)
        # map the spot's centre back; pixel centres sit at +0.5 in both frames
        x_back = (cols.mean() + 0.5) * scale_x + x0 - 0.5
        y_back = (rows.mean() + 0.5) * scale_y + y0 - 0.5
        distance = min(np.hypot(x_back - x, y_back - y) for x, y in points)
        assert distance < 1.0


def test_crop_outside_the_padded_image_is_mean_colour():
    # the original crashed in cv2.resize on this empty crop
    crop, _ = crop_person(np.zeros((120, 160, 3), np.uint8), (5.0, 5.0, 600.0, 900.0))
    np.testing.assert_array_equal(crop, 0)

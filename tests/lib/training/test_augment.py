"""Every augmentation keeps each joint on its own drawn disc (SPEC §3.7)."""
import cv2
import numpy as np
import pytest

from lib.joints import FLIP_PAIRS
from lib.pose.crop import PIXEL_MEANS_BGR
from lib.training.augment import MISSING, augment, mirror, rotate, training_crop, zoom

PALETTE = np.array([cv2.cvtColor(np.uint8([[[int(180 * i / 15), 255, 255]]]),
                                 cv2.COLOR_HSV2BGR)[0, 0] for i in range(15)], float)


@pytest.fixture(scope="module")
def scene():
    """A 200×260 image with one coloured disc per joint; joints (15, 3) in image pixels."""
    rng = np.random.default_rng(3)
    image = np.full((200, 260, 3), 90, np.uint8)
    joints = np.zeros((15, 3))
    joints[:, 0] = rng.uniform(80, 180, 15)
    joints[:, 1] = np.linspace(30, 170, 15)
    joints[:, 2] = 2
    joints[4, 2] = 0  # one unannotated joint
    for k, (x, y, _) in enumerate(joints):
        cv2.circle(image, (int(round(x)), int(round(y))), 4, PALETTE[k].tolist(), -1)
    return image, joints


def colour_at(crop, x, y):
    pixel = crop[int(round(y)), int(round(x))] * 255 + np.asarray(PIXEL_MEANS_BGR)
    return int(np.argmin(np.linalg.norm(PALETTE - pixel, axis=1)))


def assert_on_discs(crop, joints, expected_ids):
    valid = joints[:, 2] > 0
    assert valid.sum() >= 10
    for k in np.nonzero(valid)[0]:
        assert colour_at(crop, *joints[k, :2]) == expected_ids[k], f"joint {k}"


def test_training_crop_maps_joints(scene):
    crop, joints = training_crop(scene[0], (70, 20, 120, 160), scene[1])
    assert crop.shape == (384, 288, 3) and crop.dtype == np.float32
    assert_on_discs(crop, joints, range(15))
    assert joints[4, 0] == MISSING and joints[4, 2] == 0


@pytest.mark.parametrize("ratio", [0.7, 1.0, 1.35])
def test_zoom(scene, ratio):
    crop, joints = training_crop(scene[0], (70, 20, 120, 160), scene[1])
    image, moved = zoom(crop, joints, ratio)
    assert image.shape == crop.shape
    assert_on_discs(image, moved, range(15))
    if ratio >= 1.25:
        np.testing.assert_allclose(moved[:, :2], joints[:, :2])


def test_zoom_in_drops_joints_that_leave():
    joints = np.array([[2.0, 3.0, 2], [144, 192, 1]])
    _, moved = zoom(np.zeros((384, 288, 3), np.float32), joints, 0.7)
    assert moved[0, 2] == 0 and moved[1, 2] == 1


def test_mirror_swaps_left_and_right(scene):
    crop, joints = training_crop(scene[0], (70, 20, 120, 160), scene[1])
    image, moved = mirror(crop, joints)
    partner = list(range(15))
    for a, b in FLIP_PAIRS:
        partner[a], partner[b] = b, a
    assert_on_discs(image, moved, partner)
    assert moved[partner[4], 0] == MISSING


@pytest.mark.parametrize("angle", [-45.0, 30.0])
def test_rotate(scene, angle):
    crop, joints = training_crop(scene[0], (70, 20, 120, 160), scene[1])
    image, moved = rotate(crop, joints, angle)
    assert_on_discs(image, moved, range(15))
    centre = np.array([144.0, 192.0])
    radius = np.linalg.norm(joints[:, :2] - centre, axis=1)
    valid = joints[:, 2] > 0
    np.testing.assert_allclose(np.linalg.norm(moved[valid, :2] - centre, axis=1), radius[valid])


def test_augment_gives_four_samples_deterministically(scene):
    crop, joints = training_crop(scene[0], (70, 20, 120, 160), scene[1])
    images, moved = augment(crop, joints, np.random.default_rng(1))
    again, moved_again = augment(crop, joints, np.random.default_rng(1))
    assert images.shape == (4, 384, 288, 3) and moved.shape == (4, 15, 3)
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(moved, moved_again)
    np.testing.assert_allclose(moved[1, 0, 0], 287 - moved[0, 5, 0])  # mirror of the zoom

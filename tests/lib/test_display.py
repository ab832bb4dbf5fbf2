"""The window's pieces that need no display: the PPM hand-over to Tk and the overlay."""
import cv2
import numpy as np

from lib.display import display_available, draw_overlay, to_ppm


def test_ppm_decodes_to_the_same_image():
    image = np.random.default_rng(0).integers(0, 256, (37, 53, 3), dtype=np.uint8)
    decoded = cv2.imdecode(np.frombuffer(to_ppm(image), np.uint8), cv2.IMREAD_COLOR)
    np.testing.assert_array_equal(decoded, image)  # OpenCV's own PPM reader, BGR again


def test_overlay_darkens_its_corner_and_writes_white_text():
    image = np.full((120, 200, 3), 150, np.uint8)
    draw_overlay(image, ["12.3 fps", "latency 40 ms"])
    corner = image[:40, :60]
    assert (corner >= 240).all(axis=2).any() and (corner == 50).all(axis=2).any()
    assert (image[-20:, -50:] == 150).all()  # the rest of the frame is untouched


def test_no_display_without_a_display_variable(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert display_available() is False

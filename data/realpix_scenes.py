"""The scripted scenes of the real-pixel set: who walks where, when, how tall, and the camera.

Positions are world pixels: an actor's key (t, x, y, height) puts the bottom centre of its
cutout at (x, y) with the given height at frame t; between keys it moves linearly, before the
first and after the last key it is absent. The camera key (t, x, y, zoom) centres the frame on
world point (x, y) at that zoom; without camera keys the world is the frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Actor:
    """One person of a scene: ``source`` names its cutout (``realpix_sources.SOURCES``)."""

    source: str
    track_id: int
    keys: tuple


@dataclass(frozen=True)
class Scene:
    """A clip: ``background`` (image spec), ``world`` size, frames, actors and camera keys."""

    name: str
    what: str
    background: str
    num_frames: int
    actors: tuple
    world: tuple[int, int] = (640, 360)
    camera: tuple = field(default=())


def interpolate(keys, t: float) -> np.ndarray | None:
    """The key values (everything after t) at frame ``t`` by linear interpolation; None
    outside the keys' frame range."""
    times = [key[0] for key in keys]
    if t < times[0] or t > times[-1]:
        return None
    values = np.array([key[1:] for key in keys], dtype=np.float64)
    return np.array([np.interp(t, times, values[:, k]) for k in range(values.shape[1])])


def zigzag_keys(start_x: float, y: float, height: float, num_frames: int, *,
                speeds=(45, 40, 60, 35, 55, 30, 50, 60), leg: int = 4,
                lo: float = 80, hi: float = 560) -> tuple:
    """Keys of a person who runs sideways at ``speeds`` (pixels per frame, cycled), turning
    every ``leg`` frames and at the ``lo``/``hi`` limits."""
    keys, x, direction = [(0, start_x, y, height)], start_x, 1
    for t in range(1, num_frames):
        speed = speeds[((t - 1) // leg) % len(speeds)]
        if (t - 1) % leg == 0 and t > 1:
            direction = -direction
        if not lo <= x + direction * speed <= hi:
            direction = -direction
        x += direction * speed
        keys.append((t, x, y, height))
    return tuple(keys)


LEUVEN, BUILDING = "opencv:leuvenA.jpg", "opencv:building.jpg"

SCENES = (
    Scene("000001_realpix_crossing", "two people cross; the one behind waits and is fully hidden "
          "for 19 frames", LEUVEN, 150, (
              Actor("walker_e", 2, ((0, 600, 300, 150), (60, 330, 300, 150), (95, 330, 300, 150),
                                    (149, 130, 300, 150))),
              Actor("basketball", 1, ((0, 60, 350, 300), (149, 580, 350, 300))))),
    Scene("000002_realpix_edges", "people enter and leave at the left, right and bottom edges",
          BUILDING, 200, (
              Actor("walker_c", 1, ((0, -40, 340, 200), (120, 700, 340, 200))),
              Actor("walker_g", 2, ((30, 690, 320, 170), (199, -60, 320, 170))),
              Actor("walker_h", 3, ((80, -40, 330, 190), (150, 300, 330, 190),
                                    (199, 330, 330, 190))),
              Actor("walker_i", 4, ((100, 480, 250, 120), (199, 430, 470, 270))))),
    Scene("000003_realpix_pan_zoom", "the camera pans right and zooms in to 1.4 and out again "
          "while three people walk", LEUVEN, 200, (
              Actor("messi", 1, ((0, 450, 540, 200), (199, 520, 540, 200))),
              Actor("walker_a", 2, ((0, 250, 600, 200), (199, 1100, 600, 200))),
              Actor("walker_d", 3, ((0, 1150, 620, 210), (199, 700, 620, 210)))),
          world=(1280, 720), camera=((0, 330, 460, 1.0), (100, 700, 470, 1.4),
                                     (199, 950, 460, 1.1))),
    Scene("000004_realpix_zigzag", "one person runs sideways 30-60 px per frame, turning every "
          "4 frames; another walks slowly behind", BUILDING, 150, (
              Actor("walker_h", 2, ((0, 500, 280, 120), (149, 280, 280, 120))),
              Actor("walker_f", 1, zigzag_keys(150, 335, 180, 150)))),
    Scene("000005_realpix_hidden", "a small person walks behind a tall one, hidden for "
          "29 frames, and reappears", LEUVEN, 150, (
              Actor("walker_i", 2, ((0, 560, 280, 150), (149, 230, 280, 150))),
              Actor("walker_c", 1, ((0, 150, 355, 330), (149, 380, 355, 330))))),
    Scene("000006_realpix_crowd", "six small people (about 100 px tall) cross each other",
          BUILDING, 200, (
              Actor("walker_d", 3, ((0, 250, 300, 95), (199, 450, 300, 95))),
              Actor("walker_h", 5, ((0, 320, 305, 100), (199, 600, 305, 100))),
              Actor("walker_a", 1, ((0, 100, 310, 100), (199, 520, 310, 100))),
              Actor("walker_i", 6, ((0, 30, 315, 100), (199, 330, 315, 100))),
              Actor("walker_c", 2, ((0, 540, 318, 105), (199, 140, 318, 105))),
              Actor("walker_e", 4, ((0, 420, 325, 110), (199, 200, 325, 110))))),
    Scene("000007_realpix_drift", "one person walks to and fro for 520 frames", LEUVEN, 520, (
        Actor("walker_c", 1, ((0, 120, 340, 220), (170, 520, 340, 220), (340, 150, 330, 200),
                              (519, 480, 345, 230))),)),
    Scene("000008_realpix_empty_start", "nobody for 50 frames, then three people arrive",
          BUILDING, 150, (
              Actor("walker_d", 2, ((70, 690, 300, 150), (149, 350, 300, 150))),
              Actor("walker_e", 1, ((50, -40, 330, 190), (149, 420, 330, 190))),
              Actor("basketball", 3, ((90, 700, 360, 250), (149, 540, 360, 250))))),
    Scene("000009_realpix_passing", "people pass in front of and behind a player", LEUVEN, 150, (
        Actor("walker_a", 3, ((20, 700, 290, 120), (149, 150, 290, 120))),
        Actor("messi", 1, ((0, 320, 340, 240), (149, 360, 340, 240))),
        Actor("walker_h", 2, ((0, -30, 355, 200), (149, 680, 355, 200))))),
)

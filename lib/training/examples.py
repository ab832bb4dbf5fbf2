"""Training examples from annotated persons (numpy + OpenCV).

One training example is a whole published augmentation group: the 4 augmented crops of one
person with their heat-map targets and joint validities. ``epoch_order`` is the sample order:
a fresh shuffle at every pass, reproducible from a seed, so a resumed run continues it.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import cv2
import numpy as np

from lib.errors import LightTrackError
from lib.training.annotations import Sample
from lib.training.augment import augment, training_crop
from lib.training.targets import KERNELS, heatmap_targets


def read_image(path: str) -> np.ndarray:
    """BGR uint8 (H, W, 3) image; LightTrackError naming the file when it cannot be read
    (the original retried forever)."""
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise LightTrackError(f"cannot read image {path}: check the dataset root and files")
    return image


def training_example(sample: Sample, rng: np.random.Generator, kernels=KERNELS):
    """The 4 augmented crops of one person -> (images (4, 384, 288, 3) float32,
    heatmaps (L, 4, 96, 72, 15) float32 for the L ``kernels``, valid (4, 15) float32)."""
    crop, joints = training_crop(read_image(sample.image_path), sample.box_xywh, sample.joints)
    images, joints = augment(crop, joints, rng)
    heatmaps = heatmap_targets(joints, kernels)
    return images.astype(np.float32), heatmaps, joints[..., 2].astype(np.float32)


def epoch_order(num_samples: int, seed: int, start: int = 0) -> Iterator[tuple[int, int]]:
    """Endless (sample index, augmentation seed) pairs, skipping the first ``start``.

    Pass e uses ``permutation(num_samples)`` of a generator seeded (seed, e); the augmentation
    seed is the running position, so the stream is the same whether or not it was resumed.
    """
    if num_samples <= 0:
        raise LightTrackError("no training samples: check the annotation files and filters")
    epoch, offset = divmod(start, num_samples)
    position = start
    while True:
        order = np.random.default_rng((seed, epoch)).permutation(num_samples)
        for index in order[offset:]:
            yield int(index), position
            position += 1
        epoch, offset = epoch + 1, 0


def split_holdout(samples: Sequence[Sample], fraction: float, seed: int = 0):
    """(train, held-out) split of ``samples`` by image, ``fraction`` of the images held out."""
    images = sorted({s.image_path for s in samples})
    held = set(np.random.default_rng(seed).permutation(images)[:int(len(images) * fraction)])
    return ([s for s in samples if s.image_path not in held],
            [s for s in samples if s.image_path in held])

"""The training input pipeline: persons -> augmented batches with targets (TensorFlow 2 tf.data).

Persons come in the reshuffled-per-pass order of ``lib.training.examples.epoch_order``; each is
cropped, augmented into the published 4 samples and given heat-map targets by numpy/OpenCV code
run in parallel ``tf.numpy_function`` calls (OpenCV releases the GIL, so the cores overlap), and
batched and prefetched while the network trains.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import tensorflow as tf

from lib.joints import NUM_JOINTS
from lib.pose.crop import INPUT_SIZE
from lib.training.annotations import Sample
from lib.training.examples import epoch_order, training_example
from lib.training.targets import HEATMAP_SIZE

NUM_AUG = 4  # published nr_aug: samples per person


def training_dataset(samples: Sequence[Sample], *, persons_per_batch: int, kernels,
                     seed: int = 0, start: int = 0, num_parallel_calls=2) -> tf.data.Dataset:
    """Endless batches (images (B, 384, 288, 3), labels (B, L, 96, 72, 15), valid (B, 15))
    with B = 4·persons_per_batch and L = len(kernels), starting after ``start`` persons.

    The augmentation of the person at stream position p draws from a generator seeded
    (seed, p), so a resumed stream repeats the uninterrupted one exactly.
    """
    num_levels = len(kernels)

    def order():
        return epoch_order(len(samples), seed, start)

    def load(index, position):
        rng = np.random.default_rng((seed, int(position)))
        return training_example(samples[int(index)], rng, kernels)

    def load_tf(index, position):
        images, labels, valid = tf.numpy_function(load, [index, position],
                                                  (tf.float32, tf.float32, tf.float32))
        images.set_shape((NUM_AUG, *INPUT_SIZE, 3))
        labels.set_shape((num_levels, NUM_AUG, *HEATMAP_SIZE, NUM_JOINTS))
        valid.set_shape((NUM_AUG, NUM_JOINTS))
        return images, labels, valid

    def merge(images, labels, valid):  # (P, 4, ...) -> (4P, ...), a person's 4 samples adjacent
        labels = tf.transpose(labels, (0, 2, 1, 3, 4, 5))
        return (tf.reshape(images, (-1, *INPUT_SIZE, 3)),
                tf.reshape(labels, (-1, num_levels, *HEATMAP_SIZE, NUM_JOINTS)),
                tf.reshape(valid, (-1, NUM_JOINTS)))

    signature = (tf.TensorSpec((), tf.int64), tf.TensorSpec((), tf.int64))
    dataset = tf.data.Dataset.from_generator(order, output_signature=signature)
    dataset = dataset.map(load_tf, num_parallel_calls=num_parallel_calls, deterministic=True)
    dataset = dataset.batch(persons_per_batch, drop_remainder=True).map(merge)
    return dataset.prefetch(2)

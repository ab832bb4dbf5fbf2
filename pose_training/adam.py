"""TF1's Adam with its checkpoint names, on a name -> variable dict (TensorFlow 2).

Slots are ``<name>/Adam`` (first moment) and ``<name>/Adam_1`` (second moment) with
``beta1_power`` / ``beta2_power``, as the published snapshots hold them, so a snapshot carries
the optimiser state and the inference loader skips it. Update (``tf.compat.v1.train.AdamOptimizer``):
lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
w ← w − lr_t·m/(√v + ε).
"""
from __future__ import annotations

from typing import Mapping

import tensorflow as tf


class Adam(tf.Module):
    """Adam over the trainable entries of ``variables`` (TF1 name -> tf.Variable)."""

    def __init__(self, variables: Mapping[str, tf.Variable], *, beta1: float = 0.9,
                 beta2: float = 0.999, epsilon: float = 1e-8):
        super().__init__(name="Adam")
        self.names = [name for name, v in variables.items() if v.trainable]
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.slots = {}
        for name in self.names:
            shape = variables[name].shape
            self.slots[f"{name}/Adam"] = tf.Variable(tf.zeros(shape), trainable=False)
            self.slots[f"{name}/Adam_1"] = tf.Variable(tf.zeros(shape), trainable=False)
        self.slots["beta1_power"] = tf.Variable(beta1, trainable=False)
        self.slots["beta2_power"] = tf.Variable(beta2, trainable=False)

    @staticmethod
    def slot_names(trainable_names) -> list[str]:
        """The slot names ``Adam`` creates for variables named ``trainable_names``."""
        return [f"{n}/{s}" for n in trainable_names for s in ("Adam", "Adam_1")] + [
            "beta1_power", "beta2_power"]

    def apply(self, variables: Mapping[str, tf.Variable], gradients: Mapping[str, tf.Tensor],
              learning_rate) -> None:
        """One update of every trainable variable from ``gradients`` (name -> tensor)."""
        b1_power, b2_power = self.slots["beta1_power"], self.slots["beta2_power"]
        lr = learning_rate * tf.sqrt(1 - b2_power) / (1 - b1_power)
        for name in self.names:
            grad = gradients[name]
            m, v = self.slots[f"{name}/Adam"], self.slots[f"{name}/Adam_1"]
            m.assign(self.beta1 * m + (1 - self.beta1) * grad)
            v.assign(self.beta2 * v + (1 - self.beta2) * tf.square(grad))
            variables[name].assign_sub(lr * m / (tf.sqrt(v) + self.epsilon))
        b1_power.assign(b1_power * self.beta1)
        b2_power.assign(b2_power * self.beta2)

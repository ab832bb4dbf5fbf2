"""The shared trainer of the three pose networks (TensorFlow 2, ``tf.distribute``).

``PoseTrainer`` runs the published recipe (SPEC §3.7): Adam at 5e-4 halved every 60 epochs,
L2 1e-5 on convolution kernels, batch norm in training mode, per-network losses, gradients
summed across devices and batch-norm statistics kept from the first device. It writes
snapshots the estimators load, TensorBoard scalars and a periodic PCKh@0.5 validation.
"""
from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import tensorflow as tf

from tensorflow.core.framework.summary_pb2 import SummaryMetadata

from lib import components
from lib.errors import LightTrackError
from lib.geometry import xywh_to_xyxy
from lib.training.annotations import Sample
from lib.training.examples import read_image
from lib.training.pckh import pckh
from lib.training.targets import KERNELS
from pose_nets.layers import NON_TRAINABLE
from pose_training import losses
from pose_training.adam import Adam
from pose_training.data import NUM_AUG, training_dataset
from pose_training.snapshots import (initial_values, latest_snapshot, read_training_state,
                                     remove_old_snapshots, save_snapshot, snapshot_path)

log = logging.getLogger(__name__)
GPU_BATCH_SIZE = 36  # published samples per GPU and step
CPU_BATCH_SIZE = 4  # one person's four augmentations: a CPU run is a smoke run
SCALAR_METADATA = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))


@dataclass(frozen=True)
class TrainConfig:
    """Training settings; defaults are the published ones (SPEC §3.1). Iterations are
    optimiser steps; ``epoch_size`` None means one pass over the training persons."""

    network: str  # "mobile_deconv", "cpn101" or "msra152"
    output_dir: Path
    batch_size: int | None = None  # samples per device and step; None: 36 (9 persons × 4
    #                                augmentations) per GPU as published, 4 on the CPU
    learning_rate: float = 5e-4
    lr_gamma: float = 0.5
    lr_decay_epochs: int = 60
    weight_decay: float = losses.WEIGHT_DECAY
    max_epochs: int = 400
    max_iter: int | None = None  # overrides max_epochs
    epoch_size: int | None = None
    log_every: int = 10
    val_every: int | None = None  # iterations between validations; None: every epoch
    val_samples: int = 200  # persons of the held-out split used for PCKh
    keep_snapshots: int = 5  # newest snapshots kept; 0 keeps all
    seed: int = 0


def network_classes(name: str):
    """(estimator class, network class) of the pose name ``name`` in ``lib.components``."""
    module_name, class_name = components.TABLE["pose"][name]
    estimator = getattr(importlib.import_module(module_name), class_name)
    return estimator, estimator.network


def write_scalar(name: str, value: float) -> None:
    """A TensorBoard scalar at the default writer's step, as ``tf.summary.scalar`` writes it
    (that one needs the tensorboard package; this needs TensorFlow only)."""
    tf.summary.write(name, tf.constant(value, tf.float32), metadata=SCALAR_METADATA)


def make_strategy(gpu_ids: Sequence[int]) -> tf.distribute.Strategy:
    """MirroredStrategy over the listed GPUs, or the CPU when there is none."""
    available = tf.config.list_physical_devices("GPU")
    gpus = [f"/gpu:{i}" for i in gpu_ids if i < len(available)]
    if len(gpus) < len(gpu_ids):
        log.warning("GPUs %s requested, %d visible: using %s", list(gpu_ids), len(available),
                    gpus or "the CPU")
    return tf.distribute.MirroredStrategy(gpus or ["/cpu:0"])


def _first_replica(next_creator, **kwargs):
    """Variables updated by the first replica's value; replicas agree after the gradient
    all-reduce, and batch-norm statistics then come from the first device, as published."""
    kwargs["aggregation"] = tf.VariableAggregation.ONLY_FIRST_REPLICA
    return next_creator(**kwargs)


class PoseTrainer:
    """Train ``config.network`` on ``train`` persons, validating on ``val`` persons."""

    def __init__(self, config: TrainConfig, train: Sequence[Sample], val: Sequence[Sample], *,
                 gpu_ids: Sequence[int] = (), init_weights=None, resume: bool = False):
        self.config, self.train, self.val = config, train, list(val)[:config.val_samples]
        self.strategy = make_strategy(gpu_ids)
        self.replicas = self.strategy.num_replicas_in_sync
        on_gpu = "GPU" in self.strategy.extended.worker_devices[0].upper()
        batch_size = config.batch_size or (GPU_BATCH_SIZE if on_gpu else CPU_BATCH_SIZE)
        if batch_size % NUM_AUG:
            raise LightTrackError(f"--batch-size {batch_size} is not a multiple of "
                                  f"{NUM_AUG} (each person gives {NUM_AUG} augmented samples)")
        self.persons_per_step = batch_size * self.replicas // NUM_AUG
        self.epoch_size = config.epoch_size or max(1, len(train) // self.persons_per_step)
        self.val_every = config.val_every or self.epoch_size
        self._estimator = None
        self.max_iter = config.max_iter or config.max_epochs * self.epoch_size
        self.estimator_class, network = network_classes(config.network)
        self.is_cpn = hasattr(network, "forward_all")
        self.kernels = KERNELS if self.is_cpn else KERNELS[-1:]
        self._build(network, init_weights, resume)
        self.writer = tf.summary.create_file_writer(str(Path(config.output_dir) / "logs"))

    def _build(self, network, init_weights, resume: bool) -> None:
        shapes = network.variable_shapes()
        snapshot = latest_snapshot(self.config.output_dir) if resume else None
        if resume and snapshot is None:
            log.info("-c: no snapshot in %s, starting afresh", self.config.output_dir)
        if snapshot is None:
            values, slots, self.iteration = initial_values(shapes, init_weights), None, 0
        with self.strategy.scope(), tf.variable_creator_scope(_first_replica):
            if snapshot is not None:
                trainable = [n for n in shapes if not n.endswith(NON_TRAINABLE)]
                values, slots, self.iteration = read_training_state(
                    snapshot[0], shapes, Adam.slot_names(trainable))
                log.info("resuming from %s at iteration %d", snapshot[0], self.iteration)
            self.net = network(values, seed=self.config.seed)
            self.adam = Adam(self.net.weights)
        if slots is not None:
            for name, value in slots.items():
                self.adam.slots[name].assign(value)

    def learning_rate(self, iteration: int) -> float:
        """Published step schedule: lr·gamma^floor(iteration / (epoch_size·decay_epochs))."""
        steps = self.epoch_size * self.config.lr_decay_epochs
        return self.config.learning_rate * self.config.lr_gamma ** (iteration // steps)

    def _losses(self, images, labels, valid) -> dict:
        """Per-replica loss terms; ``total`` includes this replica's share of the L2 term."""
        if self.is_cpn:
            refine, global_outs = self.net.forward_all(images, training=True)
            levels = [labels[:, i] for i in range(len(self.kernels))]
            global_loss, refine_loss = losses.cpn_losses(global_outs, refine, levels, valid)
            terms = {"global_loss": global_loss, "refine_loss": refine_loss,
                     "loss": global_loss + refine_loss}
        else:
            terms = {"loss": losses.deconv_loss(self.net(images, training=True),
                                                labels[:, -1], valid)}
        l2 = losses.l2_regularisation(self.net.weights, self.config.weight_decay)
        terms["total"] = terms["loss"] + l2 / self.replicas  # added once over all replicas
        return terms

    @tf.function
    def _step(self, batch, learning_rate):
        def replica_step(images, labels, valid):
            with tf.GradientTape() as tape:
                terms = self._losses(images, labels, valid)
            variables = [self.net.weights[n] for n in self.adam.names]
            grads = tape.gradient(terms["total"], variables)
            grads = tf.distribute.get_replica_context().all_reduce("sum", grads)
            self.adam.apply(self.net.weights, dict(zip(self.adam.names, grads)), learning_rate)
            return terms
        terms = self.strategy.run(replica_step, args=batch)
        return {k: self.strategy.reduce("mean", v, axis=None) for k, v in terms.items()}

    def dataset(self):
        """The distributed training stream, continued after the persons already used."""
        data = training_dataset(self.train, persons_per_batch=self.persons_per_step,
                                kernels=self.kernels, seed=self.config.seed,
                                start=self.iteration * self.persons_per_step)
        return iter(self.strategy.experimental_distribute_dataset(data))

    def run(self) -> int:
        """Train until ``max_iter``; snapshot every epoch and at the end; return the last
        iteration. Logs loss, learning rate and seconds per iteration."""
        if self.iteration >= self.max_iter:
            log.info("iteration %d already reached --max-iter %d", self.iteration, self.max_iter)
            return self.iteration
        log.info("%s: %d training persons, %d per step on %d device(s), epoch %d iterations, "
                 "up to iteration %d", self.config.network, len(self.train),
                 self.persons_per_step, self.replicas, self.epoch_size, self.max_iter)
        batches, tic, since = self.dataset(), time.perf_counter(), self.iteration
        while self.iteration < self.max_iter:
            lr = self.learning_rate(self.iteration)
            terms = self._step(self._next_batch(batches), tf.constant(lr, tf.float32))
            self.iteration += 1
            if self.iteration % self.config.log_every == 0 or self.iteration == self.max_iter:
                self._log(terms, lr, (time.perf_counter() - tic) / (self.iteration - since))
                tic, since = time.perf_counter(), self.iteration
            if self.iteration % self.epoch_size == 0 or self.iteration == self.max_iter:
                self.snapshot()
            if self.iteration % self.val_every == 0 or self.iteration == self.max_iter:
                self.validate()
        return self.iteration

    @staticmethod
    def _next_batch(batches):
        """The next batch; a failure in the input pipeline becomes one LightTrackError line."""
        try:
            return next(batches)
        except tf.errors.OpError as err:
            first = err.message.strip().splitlines()[0] if err.message.strip() else repr(err)
            raise LightTrackError("training data: " + first.split("}} ")[-1]) from None

    def _log(self, terms: dict, lr: float, seconds: float) -> None:
        values = {k: float(v) for k, v in terms.items()}
        log.info("iteration %d  %s  lr %.3g  %.2f s/iter", self.iteration,
                 "  ".join(f"{k} {v:.4g}" for k, v in values.items()), lr, seconds)
        with self.writer.as_default(step=self.iteration):
            for name, value in {**values, "learning_rate": lr}.items():
                write_scalar(name, value)

    def snapshot(self) -> str:
        """Write ``snapshot_<iteration>.ckpt`` in the output folder."""
        path = save_snapshot(snapshot_path(self.config.output_dir, self.iteration),
                             self.net.weights, self.adam.slots, self.iteration)
        log.info("wrote %s", path)
        remove_old_snapshots(self.config.output_dir, self.config.keep_snapshots)
        return path

    def validate(self) -> float:
        """PCKh@0.5 of the current network on the held-out persons (flip test as at run
        time); NaN without any. Logged and written to TensorBoard."""
        if not self.val:
            return float("nan")
        if self._estimator is None:
            self._estimator = self.estimator_class(self.net)
        predicted = [self._estimator.estimate(read_image(s.image_path),
                                        np.array([xywh_to_xyxy(s.box_xywh)]))[0]
                     for s in self.val]
        _, score = pckh(np.array(predicted), np.array([s.joints for s in self.val]))
        log.info("iteration %d  PCKh@0.5 %.4f on %d held-out persons", self.iteration, score,
                 len(self.val))
        with self.writer.as_default(step=self.iteration):
            write_scalar("val_pckh", score)
        return score

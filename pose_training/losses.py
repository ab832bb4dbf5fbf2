"""Training losses of the pose networks (SPEC §3.7; TensorFlow 2).

Heat-maps and labels are (B, h, w, K) on the 0-255 scale; ``valid`` (B, K) holds the joints'
visibility numbers (0, 1, 2 or COCO-derived averages).
"""
from __future__ import annotations

import tensorflow as tf

VALID_THRESH = 0.1  # joints with valid above this are trained (labelled, visible or not)
GLOBAL_VALID_THRESH = 1.1  # CPN's global loss trains visible joints only
OHKM_TOP_K = 7  # CPN refine loss: the 7 hardest of the 15 joints per sample
WEIGHT_DECAY = 1e-5  # L2 on convolution kernels (slim: decay · sum(w²) / 2)


def _mask(valid: tf.Tensor, thresh: float) -> tf.Tensor:
    """valid (B, K) -> (B, 1, 1, K) float mask of valid > thresh."""
    return tf.cast(valid > thresh, tf.float32)[:, None, None, :]


def deconv_loss(heatmaps, label, valid, *, valid_thresh: float = VALID_THRESH):
    """MSRA152 / mobile: mean over all elements of (heatmaps − label·[valid > 0.1])²."""
    return tf.reduce_mean(tf.square(heatmaps - label * _mask(valid, valid_thresh)))


def ohkm(joint_losses, top_k: int = OHKM_TOP_K):
    """joint_losses (B, K) -> mean over the batch of (sum of each row's top_k) / top_k."""
    return tf.reduce_mean(tf.reduce_sum(tf.math.top_k(joint_losses, top_k).values, 1) / top_k)


def cpn_losses(global_outs, refine, labels, valid, *, valid_thresh: float = VALID_THRESH,
               global_valid_thresh: float = GLOBAL_VALID_THRESH, top_k: int = OHKM_TOP_K):
    """CPN101: global_outs [g2, g3, g4, g5] each (B, h, w, K) paired with ``labels``
    [label15, label11, label9, label7]; refine (B, h, w, K) against label7.

    Returns (global loss = Σ mean((g − label·[valid > 1.1])²) / 4, refine loss = OHKM over the
    per-joint spatial means of (refine − label7)² · [valid > 0.1]).
    """
    mask = _mask(valid, global_valid_thresh)
    global_loss = tf.add_n([tf.reduce_mean(tf.square(out - label * mask))
                            for out, label in zip(global_outs, labels)]) / len(global_outs)
    joint_losses = tf.reduce_mean(tf.square(refine - labels[-1]), axis=(1, 2))
    refine_loss = ohkm(joint_losses * tf.cast(valid > valid_thresh, tf.float32), top_k)
    return global_loss, refine_loss


def l2_regularisation(weights: dict, decay: float = WEIGHT_DECAY):
    """decay · Σ w²/2 over the convolution kernels (names ending in ``weights``) of a
    name -> variable dict."""
    kernels = [v for name, v in weights.items() if name.endswith("weights")]
    return decay * tf.add_n([tf.nn.l2_loss(v) for v in kernels])

"""Scores of a pose matcher on labelled pairs: published accuracy and ROC AUC (numpy)."""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def match_accuracy(distances, labels, match_thresh: float = 0.2) -> float:
    """Fraction of pairs whose prediction "same person" (distance < ``match_thresh``) agrees
    with ``labels`` (1 = same person); the published test accuracy, as a fraction."""
    distances, labels = np.asarray(distances, dtype=np.float64), np.asarray(labels)
    return float(np.mean((distances < match_thresh) == (labels == 1))) if len(labels) else 0.0


def roc_auc(distances, labels) -> float:
    """Area under the ROC curve of "smaller distance = same person" (ties count one half):
    the probability that a random positive pair is closer than a random negative one. NaN
    when one class is missing."""
    distances, positive = np.asarray(distances, dtype=np.float64), np.asarray(labels) == 1
    num_pos, num_neg = int(positive.sum()), int((~positive).sum())
    if num_pos == 0 or num_neg == 0:
        return float("nan")
    ranks = rankdata(-distances)  # rank 1 = largest distance, so positives should rank high
    return float((ranks[positive].sum() - num_pos * (num_pos + 1) / 2) / (num_pos * num_neg))

"""Matcher scores on labelled pairs: accuracy and ROC AUC."""
import itertools

import numpy as np
import pytest

from graph.evaluation import match_accuracy, roc_auc


def test_roc_auc_equals_pair_counting():
    rng = np.random.default_rng(0)
    distances = rng.integers(0, 5, size=40).astype(float)  # many ties
    labels = rng.integers(0, 2, size=40)
    pos, neg = distances[labels == 1], distances[labels == 0]
    wins = [1.0 if p < n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg)]
    assert roc_auc(distances, labels) == pytest.approx(np.mean(wins))
    assert np.isnan(roc_auc([0.1, 0.2], [1, 1]))


def test_accuracy_counts_strictly_below_threshold_as_match():
    assert match_accuracy([0.1, 0.2, 0.5, 0.19], [1, 1, 0, 0], 0.2) == 0.5

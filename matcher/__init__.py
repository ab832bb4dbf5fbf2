"""Pose matchers, side by side: distances between keyframe candidates and previous tracks (``oks``: numpy; ``sgcn``: PyTorch, model code in graph/)."""

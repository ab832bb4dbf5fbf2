"""PoseTrack'18 batch processing: the per-video tracking loop and the oracle pose estimator (no framework)."""

"""Batch tracking of PoseTrack'18-layout folders: detection files as frame sources, the oracle pose estimator, the published ablations (no framework)."""

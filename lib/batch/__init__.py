"""Batch tracking of PoseTrack-layout folders: frame sources, oracle, ablations (no framework)."""

"""Whole-video batches: PoseTrack-layout folders and video files, here or on Ray workers (parallel.py), the oracle, the ablations."""

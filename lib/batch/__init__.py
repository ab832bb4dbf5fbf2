"""Whole-video batches (PoseTrack layout, video files), here or on Ray workers; oracle, ablation."""

"""Data builders: the demo clip and the synthetic PoseTrack'18 set (see data/README.md)."""

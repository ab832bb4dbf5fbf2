"""Pose-network pre- and post-processing shared by the heat-map estimators (numpy + OpenCV)."""

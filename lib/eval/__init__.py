"""PoseTrack evaluation as poseval computes it: AP (PCKh@0.5) and MOT metrics (numpy, motmetrics)."""

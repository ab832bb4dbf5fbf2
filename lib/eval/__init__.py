"""PoseTrack evaluation as poseval computes it: AP (PCKh@0.5), MOT metrics (numpy, motmetrics)."""

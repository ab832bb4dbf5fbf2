"""File formats: OpenSVAI (the tracker's output and detection input) and PoseTrack."""

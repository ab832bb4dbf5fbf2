"""Association with memory (numpy/scipy/cv2, no framework): lost tracks kept and re-identified,
fused-cue global assignment, keypoint-velocity motion, and an early check for newcomers."""

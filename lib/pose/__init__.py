"""Pose-estimation helpers shared by the estimators: crops, mappings and decoders (numpy/cv2)."""

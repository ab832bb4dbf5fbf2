"""Data side of pose-network training: annotations, augmentation, targets, PCKh (numpy + OpenCV)."""

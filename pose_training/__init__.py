"""Training of the heat-map pose networks on COCO + PoseTrack'17 (TensorFlow 2)."""

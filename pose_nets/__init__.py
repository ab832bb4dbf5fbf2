"""TensorFlow 2 building blocks of the published heat-map pose networks and their TF1 checkpoints."""

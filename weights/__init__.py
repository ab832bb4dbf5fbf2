"""Weight files, the fetch step (fetch.py) and the tfjs converter (tfjs.py, TensorFlow)."""

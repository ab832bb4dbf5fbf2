"""Pose matchers side by side: oks (numpy) and sgcn (PyTorch; its model code is in graph/)."""

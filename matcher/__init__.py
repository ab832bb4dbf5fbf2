"""Pose matchers side by side: oks and sgcn (numpy; the SGCN's PyTorch model is in graph/)."""

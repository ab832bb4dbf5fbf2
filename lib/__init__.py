"""LightTrack core: the tracking loop, geometry, formats, evaluation and I/O (no framework)."""

"""The error the scripts turn into one line on stderr and a non-zero exit."""


class LightTrackError(Exception):
    """Bad input or missing files; the message says what is wrong and how to fix it."""

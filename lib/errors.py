"""The error the scripts turn into one line on stderr and a non-zero exit, and that one line."""


class LightTrackError(Exception):
    """Bad input or missing files; the message says what is wrong and how to fix it."""


def one_line(err: BaseException) -> str:
    """The message of ``err`` on one line (a file name is added to an OSError when it has one)."""
    if isinstance(err, OSError) and err.filename and err.strerror:
        return f"{err.filename}: {err.strerror}"
    return " ".join(str(err).split()) or type(err).__name__

"""Exception hierarchy. Every error storyline raises derives from :class:`StorylineError`.

Messages are written for the person at the keyboard: they say what went wrong and what to do.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Root of every storyline error."""


class InputError(StorylineError):
    """An input document cannot be used (binary, empty, undecodable, malformed...).

    ``reason`` is a short machine-friendly code (e.g. ``"binary"``, ``"empty"``), the message
    a one-line human explanation. Ingest catches these and quarantines the document.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class PipelineError(StorylineError):
    """A pipeline was assembled wrongly (a stage needs a field no earlier stage adds)."""


class StoreError(StorylineError):
    """The store cannot be opened or written (wrong path, newer schema, locked...)."""


class StoreBusyError(StoreError):
    """Another process held the store's write lock for longer than the timeout."""


class NotFoundError(StorylineError):
    """An id (article, event, story) does not exist in the store."""


class EncoderError(StorylineError):
    """The text encoder cannot be loaded or run."""

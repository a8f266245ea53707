"""storyline: multilingual news story tracker.

Raw articles in any language → events → storylines → timelines. Start with
:func:`storyline.open`::

    import storyline
    sl = storyline.open("news.db")
    sl.ingest(["articles/"])
    for story in sl.stories():
        print(story.title)
"""

from __future__ import annotations

__version__ = "0.1.0"

from storyline.api import Storyline, open
from storyline.errors import StorylineError

__all__ = ["Storyline", "StorylineError", "__version__", "open"]

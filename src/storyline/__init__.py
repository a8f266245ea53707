"""storyline: multilingual news story tracker."""

__version__ = "0.1.0"

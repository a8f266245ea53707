"""Where an article is about: places found in the text, resolved to a hierarchy.

* :mod:`storyline.geo.gazetteer` loads the shipped place hierarchy (country → admin1 → admin2 →
  city, names in many languages and scripts; GeoNames data, built by
  ``scripts/build_places.py``);
* :mod:`storyline.geo.locate` finds place names in a title and text (datelines, the lead,
  the body), resolves ambiguous names by population and by the other places of the same
  article, and sums them up level by level into a :class:`PlaceProfile`.

Clustering uses the profile to tell reports of the same kind of happening in different
cities apart (events) and to group a state's local reports (stories).
"""

from storyline.geo.gazetteer import Gazetteer, Place, gazetteer
from storyline.geo.locate import PlaceProfile, locate

__all__ = ["Gazetteer", "Place", "PlaceProfile", "gazetteer", "locate"]

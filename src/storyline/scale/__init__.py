"""Scale-out: the Spark batch ingest (:mod:`storyline.scale.spark`).

:mod:`storyline.scale.prepare` is the part that runs on executors (reading, the per-article
pipeline stages, the encoder), with no Spark import; the driver feeds what they produce, in
the local ingest's order, to the local engine's own clustering and writing
(:meth:`storyline.engine.Engine.ingest_prepared`), so the two never drift apart.
"""

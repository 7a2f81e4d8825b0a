"""Backup and restore of the whole database, or of one municipality: ``shinchoku backup`` / ``shinchoku restore``.

``coverage.py`` decides which models go into a backup and how each is narrowed to one municipality (from the
app registry, so a model added later is included without touching this package); ``fileformat.py`` is the
file (gzip-compressed JSON lines with a header and a SHA-256 of the payload, see docs/backup.md);
``services.py`` reads a consistent snapshot and loads one into an empty database, each in one transaction.
"""

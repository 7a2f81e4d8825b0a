"""Stable public keys of published things.

Projects carry only a name in the interchange document, and their position changes from year to year, so the
public key of a project is derived from its name: the same name (after NFKC, so full-width and half-width forms
agree) gives the same key in every year and every version, which is what a stable URL or API id needs.
"""

from __future__ import annotations

import hashlib
import unicodedata


def project_key(name: str) -> str:
    """First 12 hex characters of SHA-256 of the NFKC-normalised, stripped project name."""
    normalised = unicodedata.normalize("NFKC", name).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]

"""Where the secret key comes from, and why a weak one is refused.

The key signs sessions, CSRF tokens and password-reset links: whoever knows it can sign in as anyone. So a
production process (DEBUG off) refuses to start without a strong one, instead of falling back to a fixed key
that every checkout shares. Sources, first match wins:

1. ``SHINCHOKU_SECRET_KEY`` (the environment, as a service manager or container sets it);
2. the file ``SHINCHOKU_SECRET_KEY_FILE`` (default ``<data dir>/secret_key``), which ``scripts/run`` creates
   on a laptop so that the CLI and the server of one installation share one key;
3. with DEBUG on only, a fixed development key.

"Strong" is Django's own rule (at least 50 characters, at least 5 distinct, not ``django-insecure-``) plus
an entropy estimate, because a 50-character key of one repeated word passes the first rule.
"""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY = "django-insecure-shinchoku-development-key-only-for-debug-on-localhost"
MIN_LENGTH = 50
MIN_DISTINCT = 5
MIN_ENTROPY_BITS = 192
HOW_TO_MAKE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def entropy_bits(key: str) -> float:
    """Shannon entropy of the key's own characters times its length: a cheap upper bound of its strength.

    ``token_urlsafe(50)`` (67 characters) scores about 370 bits; ``"password" * 7`` about 140.
    """
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_char * len(key)


def weakness(key: str) -> str | None:
    """Why a key is too weak for production, or None."""
    if len(key) < MIN_LENGTH:
        return f"it has {len(key)} characters, at least {MIN_LENGTH} are needed"
    if len(set(key)) < MIN_DISTINCT:
        return f"it has fewer than {MIN_DISTINCT} distinct characters"
    if key.startswith("django-insecure-"):
        return "it is a development key (django-insecure-…)"
    if entropy_bits(key) < MIN_ENTROPY_BITS:
        return f"it is too predictable (about {entropy_bits(key):.0f} bits, at least {MIN_ENTROPY_BITS} are needed)"
    return None


def key_file_path(data_dir: Path) -> Path:
    return Path(os.environ.get("SHINCHOKU_SECRET_KEY_FILE") or data_dir / "secret_key")


def secret_key(*, debug: bool, data_dir: Path) -> str:
    """The key for this process; ImproperlyConfigured (English, with the remedy) when production has none."""
    key = os.environ.get("SHINCHOKU_SECRET_KEY", "").strip()
    source = "SHINCHOKU_SECRET_KEY"
    if not key:
        path = key_file_path(data_dir)
        if path.is_file():
            key = path.read_text(encoding="utf-8").strip()
            source = str(path)
    if not key:
        if debug:
            return DEVELOPMENT_KEY
        raise ImproperlyConfigured(
            "No secret key: set SHINCHOKU_SECRET_KEY (or write one into "
            f"{key_file_path(data_dir)}), for example with: {HOW_TO_MAKE}. "
            "For a local try-out, SHINCHOKU_DEBUG=true uses a development key."
        )
    problem = weakness(key)
    if problem and not debug:
        raise ImproperlyConfigured(f"The secret key from {source} is too weak: {problem}. Make one with: {HOW_TO_MAKE}")
    return key


def key_file_create(path: Path) -> bool:
    """Write a new strong key to ``path`` unless one is there (readable by the owner only). True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    return True

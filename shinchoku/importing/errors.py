"""The one error the importers raise: where in the input, what was expected there, what was found."""

from __future__ import annotations

_FOUND_LIMIT = 80


class ReportFormatError(Exception):
    """Malformed input. ``line`` is 1-based (None when no single line is to blame)."""

    def __init__(self, expected: str, found: str, *, line: int | None, source: str = "<text>") -> None:
        # Long table rows would drown the message; the start of the line is enough to find it.
        if len(found) > _FOUND_LIMIT:
            found = found[: _FOUND_LIMIT - 1] + "…"
        self.source = source
        self.line = line
        self.expected = expected
        self.found = found
        super().__init__(
            f"{source}:{line if line is not None else '?'}: expected {expected}, found {found!r}"
        )

"""What the importers report: the one error (where in the input, what was expected there, what was found) and
the warnings about text that was kept but not understood."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ReportWarning:
    """Text the parser kept as written (in a note or the results) because it could not read it as data.

    Not an error: the rest of the report is sound, and refusing it would lose every other fact. ``line`` is
    1-based, like ReportFormatError's.
    """

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"

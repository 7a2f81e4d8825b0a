from __future__ import annotations

from django.core.management.base import BaseCommand

from shinchoku.interchange.load import LoadResult


def fail(command: BaseCommand, message: str) -> None:
    """Print an English error and exit 2, the code every import uses for bad input."""
    command.stderr.write(f"error: {message}")
    raise SystemExit(2)


def summarize(result: LoadResult) -> str:
    head = f"{result.municipality.name} / {result.plan.name} / fiscal year {result.fiscal_year}: "
    if not result.changed:
        return head + "nothing changed (already up to date)"
    parts = [f"{n} {kind} created" for kind, n in sorted(result.created.items())]
    parts += [f"{n} {kind} updated" for kind, n in sorted(result.updated.items())]
    return head + ", ".join(parts)

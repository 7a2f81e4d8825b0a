from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from shinchoku.interchange.load import LoadResult


def fail(command: BaseCommand, message: str) -> None:
    """Print an English error and exit 2, the code every import uses for bad input."""
    command.stderr.write(f"error: {message}")
    raise SystemExit(2)


def add_import_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace a year that is open or published (a published year gets a new publication version)",
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="LOGIN",
        help="act as this user (checked like the web: DX staff of the municipality); default: the system",
    )


def acting_user(command: BaseCommand, login: str | None) -> Any:
    if not login:
        return None
    user = get_user_model().objects.filter(username=login, is_active=True).first()
    if user is None:
        fail(command, f"--as {login}: no active user with that login")
    return user


def summarize(result: LoadResult) -> str:
    head = f"{result.municipality.name} / {result.plan.name} / fiscal year {result.fiscal_year}: "
    if not result.changed and not result.transition:
        return head + "nothing changed (already up to date)"
    parts = [f"{n} {kind} created" for kind, n in sorted(result.created.items())]
    parts += [f"{n} {kind} updated" for kind, n in sorted(result.updated.items())]
    if result.year is not None:
        parts.append(f"year {result.year.state}")
    if result.publication is not None:
        parts.append(f"publication version {result.publication.version} ({result.publication.content_hash[:12]})")
    return head + ", ".join(parts)

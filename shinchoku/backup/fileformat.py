"""The backup file, format ``shinchoku-backup`` version 1 (docs/backup.md).

A gzip stream of UTF-8 JSON lines. Line 1 is the header (format, version, when, from which database, the
migration state per app, the row count per table, and the SHA-256 and length of the payload); every later line
is one table, ``{"model": "plans.project", "rows": [...]}``, its rows in Django's serialization ("pk" and
"fields"). The payload is hashed as the bytes that follow the header's newline, so a reader checks the hash
before it parses anything else.

Values keep their type through the file: decimals are written as strings (never floats), dates and times as
ISO 8601 with microseconds and offset, JSON fields as JSON.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "shinchoku-backup"
VERSION = 1
# Level 6 is within a few percent of 9 on this data at a third of the time.
COMPRESSION_LEVEL = 6


class BackupFileError(ValueError):
    """The file is not a backup this version can restore; the message starts with the file (and line)."""


@dataclass(frozen=True)
class Table:
    label: str  # app_label.model_name, as in the app registry
    rows: list[dict[str, Any]]
    line: int = 0  # where it was read from, for error messages


@dataclass(frozen=True)
class Backup:
    header: dict[str, Any]
    tables: list[Table]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.header["counts"])

    @property
    def migrations(self) -> dict[str, list[str]]:
        return {app: list(names) for app, names in self.header["migrations"].items()}


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        # DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps the microseconds the database has.
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_payload(tables: list[Table]) -> bytes:
    return b"".join(_dumps({"model": t.label, "rows": t.rows}) + b"\n" for t in tables)


def payload_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def write_backup(*, path: Path, header: dict[str, Any], payload: bytes) -> int:
    """Write header and payload; returns the compressed size. The file appears under its name only when
    complete, so a nightly job interrupted half-way never leaves a truncated backup that looks like the latest."""
    header = {**header, "payload": {"sha256": payload_digest(payload), "bytes": len(payload)}}
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wb", compresslevel=COMPRESSION_LEVEL) as stream:
        stream.write(_dumps(header) + b"\n")
        stream.write(payload)
    os.replace(partial, path)
    return path.stat().st_size


def _decompress(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError as exc:
        raise BackupFileError(f"{path}: no such file") from exc
    except gzip.BadGzipFile as exc:
        if "not a gzipped file" in str(exc).lower():
            raise BackupFileError(f"{path}: not a Shinchoku backup (expected a gzip-compressed file)") from exc
        raise BackupFileError(f"{path}: the file is corrupt ({exc})") from exc
    except EOFError as exc:
        raise BackupFileError(f"{path}: the file is truncated (the compressed data ends early)") from exc
    except zlib.error as exc:
        raise BackupFileError(f"{path}: the file is corrupt ({exc})") from exc
    except OSError as exc:
        raise BackupFileError(f"{path}: cannot read file ({exc.strerror or exc})") from exc


def _header(path: Path, line: bytes) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupFileError(f"{path}:1: not a Shinchoku backup (expected a JSON header line)") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise BackupFileError(f"{path}:1: not a Shinchoku backup (expected format {FORMAT!r}, found {found!r})")
    version = header.get("version")
    if not isinstance(version, int) or version < 1:
        raise BackupFileError(f"{path}:1: expected an integer format version, found {version!r}")
    if version > VERSION:
        raise BackupFileError(
            f"{path}:1: written in format version {version}; this Shinchoku reads version {VERSION} "
            "(restore with the version that wrote it)"
        )
    for key, kind in (("counts", dict), ("migrations", dict), ("payload", dict)):
        if not isinstance(header.get(key), kind):
            raise BackupFileError(f"{path}:1: the header has no {key!r} object")
    return header


def read_backup(path: Path) -> Backup:
    """Read and check a backup: gzip intact, header of this format, payload of the length and hash the
    header states, every line a table whose row count matches the header."""
    raw = _decompress(path)
    head, newline, payload = raw.partition(b"\n")
    if not head.strip():
        raise BackupFileError(f"{path}: not a Shinchoku backup (the file is empty)")
    header = _header(path, head)
    if not newline:
        raise BackupFileError(f"{path}: the file is truncated (nothing follows the header)")
    stated = header["payload"]
    if stated.get("bytes") != len(payload):
        raise BackupFileError(
            f"{path}: the file is truncated or altered (the header states {stated.get('bytes')} bytes of "
            f"payload, the file has {len(payload)})"
        )
    if stated.get("sha256") != payload_digest(payload):
        raise BackupFileError(f"{path}: the payload's SHA-256 does not match the header (the file was altered or damaged)")
    tables = [_table(path, number, line) for number, line in enumerate(payload.splitlines(), start=2)]
    found = {t.label: len(t.rows) for t in tables}
    if found != header["counts"]:
        raise BackupFileError(f"{path}: the tables do not match the header's counts ({_count_difference(header['counts'], found)})")
    return Backup(header=header, tables=tables)


def _table(path: Path, number: int, line: bytes) -> Table:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupFileError(f"{path}:{number}: expected one table as JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("model"), str) or not isinstance(data.get("rows"), list):
        raise BackupFileError(f'{path}:{number}: expected {{"model": "app.model", "rows": [...]}}')
    return Table(label=data["model"], rows=data["rows"], line=number)


def _count_difference(stated: dict[str, Any], found: dict[str, int]) -> str:
    labels = sorted(set(stated) | set(found))
    return ", ".join(
        f"{label}: header {stated.get(label, 'none')}, file {found.get(label, 'none')}"
        for label in labels
        if stated.get(label) != found.get(label)
    )

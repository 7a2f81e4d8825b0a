"""Errors the cycle services raise; every message is Japanese and meant to be shown to the user as is.

They are re-exported from ``shinchoku.cycle.services`` (the UI imports them from there).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from shinchoku.inputs import InputRejected


class CycleError(Exception):
    """Base of every refusal of the cycle services; ``message`` is the Japanese text for the UI.

    ``field`` names the form field the refusal belongs to ("" = the form as a whole), so the UI can show it
    next to that field; ``english`` is the same refusal for the command line (which prints English), "" when
    the service has none yet.
    """

    def __init__(self, message: str, *, field: str = "", english: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.english = english


class NotPermitted(PermissionDenied):
    """The user's role does not allow the operation (a PermissionDenied, so Django answers 403)."""

    def __init__(self, message: str = "この操作を行う権限がありません。") -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(CycleError):
    """The workflow refuses the transition from the report's current state, or a condition is not met."""


class IncompleteReport(TransitionNotAllowed):
    """Submission refused because parts are missing; ``missing`` lists them, in Japanese, in form order."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("提出できません。次の項目を入力してください：" + "、".join(missing))


class ReportLocked(CycleError):
    """The report is approved or published (or its year is locked): reopen it before changing anything."""


class YearLocked(CycleError):
    """The fiscal year's cycle is published: its targets and reports are locked."""


class CycleAlreadyOpen(CycleError):
    pass


@dataclass(frozen=True)
class FieldChange:
    """A field someone else changed since the form was loaded: what it was, what it is now, and who changed it."""

    field: str  # results, challenges, ..., or "actual:<indicator id>", "item_grade:<item id>"
    label: str  # Japanese, for the conflict screen
    before: Any  # the value at the version the form was loaded from
    after: Any  # the value now stored
    actor: str  # who changed it last ("" when unknown)


class ReportConflict(CycleError):
    """The report changed since the form was loaded (expected_version is stale); nothing was saved."""

    def __init__(self, changes: list[FieldChange], current_version: int) -> None:
        self.changes = changes
        self.current_version = current_version
        labels = "、".join(dict.fromkeys(c.label for c in changes)) or "内容"
        super().__init__(
            f"編集中に他の人がこの報告を更新しました（{labels}）。最新の内容を確認してから、もう一度保存してください。"
        )


class InvalidActualValue(CycleError):
    """One or more actual values are not numbers; ``errors`` maps indicator id → Japanese message."""

    def __init__(self, errors: dict[int, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


class InvalidTargets(CycleError):
    """Some years of a targets submission were refused; ``errors`` maps fiscal year → the refusal."""

    def __init__(self, errors: dict[int, CycleError]) -> None:
        self.errors = errors
        super().__init__(
            " ".join(exc.message for exc in errors.values()),
            english="; ".join(f"{fy}: {exc.english or exc.message}" for fy, exc in sorted(errors.items())),
        )


class InvalidInput(CycleError):
    """A plan-editing input is not acceptable; ``field`` names the form field when there is one."""

    def __init__(self, message: str, *, field: str = "", english: str = "") -> None:
        super().__init__(message, field=field, english=english)


@contextmanager
def input_refusals() -> Iterator[None]:
    """The input boundary's refusals (``shinchoku.inputs.InputRejected``) as the cycle's InvalidInput.

    Every service wraps its work in this (through its ``_editing`` / ``report_scope``), so a view that shows a
    CycleError shows these too, next to the form field named by the last part of the rule's code
    (``project.overview`` → ``overview``); ``english`` keeps the location for the command line.
    """
    try:
        yield
    except InputRejected as exc:
        raise InvalidInput(exc.message, field=exc.field.rsplit(".", 1)[-1], english=str(exc)) from exc

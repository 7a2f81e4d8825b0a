"""Setting a municipality's 全国地方公共団体コード, the key of its public pages (/p/{code}/)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_scopes import scopes_disabled

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.services._audit import audit_record
from shinchoku.tenancy import codes
from shinchoku.tenancy.models import Municipality


def municipality_code_fill(*, municipality: Municipality, by: Any) -> str:
    """Fill a blank code from the national list when the name is unique there; an ambiguous name
    (府中市) stays blank for a person to set. Returns the code (possibly "")."""
    if municipality.code:
        return str(municipality.code)
    code = codes.code_for_name(municipality.name)
    if code is None:
        return ""
    # Part of the import that calls it (audited there): no row of its own, so an import's audit stays one row.
    with scopes_disabled():
        if Municipality.objects.filter(code=code).exclude(pk=municipality.pk).exists():
            return ""
        Municipality.objects.filter(pk=municipality.pk).update(code=code)
    municipality.code = code
    return code


def municipality_code_set(*, municipality: Municipality, code: str, by: Any) -> Municipality:
    """Set the code after checking its check digit and that no other municipality holds it."""
    code = code.strip()
    if not codes.code_is_valid(code):
        raise CycleError(f"全国地方公共団体コード「{code}」は正しくありません（6桁・検査数字を確認してください）。",
                         field="code", english=f"invalid municipality code {code!r} (6 digits with a JIS X 0402 check digit)")
    with transaction.atomic(), scopes_disabled():
        if Municipality.objects.filter(code=code).exclude(pk=municipality.pk).exists():
            raise CycleError(f"全国地方公共団体コード「{code}」は既に他の自治体に設定されています。",
                             field="code", english=f"municipality code {code!r} is already used by another municipality")
        before = municipality.code
        if before == code:
            return municipality
        Municipality.objects.filter(pk=municipality.pk).update(code=code)
        municipality.code = code
        audit_record(
            municipality=municipality, by=by, action="municipality.code.changed", obj=municipality,
            before={"code": before}, after={"code": code},
        )
    return municipality

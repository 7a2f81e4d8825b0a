"""Users from a CSV file (columns login, name, e-mail, role, departments): check every row, then all or nothing.

``users_csv_plan`` reads and checks the whole file and says per row whether it is new, changed or unchanged
(the web preview and ``shinchoku import-users`` show that); ``users_csv_apply`` writes a checked plan in one
transaction through ``user_invite`` / ``user_update``, so the rules and the audit rows are the web form's.
Every problem names its line, in Japanese (the UI) and in English (the command line).

The file is UTF-8 with or without BOM; when that does not decode it is read as Shift_JIS (cp932), which is
what Excel in Japan writes. Several roles or departments in one cell are separated by "、" or ";"; a role is
its code (``dx_staff``) or its Japanese label (``DX担当（企画政策課）``, also ``DX担当``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.errors import InvalidInput
from shinchoku.cycle.services._audit import audit_record
from shinchoku.cycle.services.users import (
    _check_manager,
    clean_user_fields,
    display_name,
    user_invite,
    user_update,
)
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

User = get_user_model()

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
COLUMNS = ("login", "name", "e-mail", "role", "departments")
# Header spellings accepted per column (a Japanese header row is what a DX team types into Excel).
HEADERS: dict[str, str] = {
    "login": "login", "ログインid": "login", "ログイン": "login",
    "name": "name", "氏名": "name", "名前": "name",
    "e-mail": "e-mail", "email": "e-mail", "mail": "e-mail", "メールアドレス": "e-mail", "メール": "e-mail",
    "role": "role", "roles": "role", "役割": "role",
    "departments": "departments", "department": "departments", "部署": "departments", "担当部署": "departments",
}
SEPARATORS = re.compile(r"[、;；]")


def _role_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for role in Role:
        names[role.value] = role.value
        names[str(role.label)] = role.value
        names[str(role.label).split("（")[0]] = role.value
    return names


ROLE_NAMES = _role_names()


class UsersCsvInvalid(Exception):
    """The file has problems; ``problems`` are (line, Japanese, English), every line's, in file order."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        super().__init__("; ".join(f"{line}: {en}" for line, _, en in problems))
        self.problems = problems


@dataclass
class PlannedUser:
    line: int
    login: str
    name: str
    email: str
    roles: tuple[str, ...]
    departments: tuple[Department, ...]
    status: str  # "new" | "changed" | "unchanged"
    user: Any = None
    changes: list[str] = field(default_factory=list)  # Japanese, for the preview

    @property
    def status_label(self) -> str:
        return {"new": "新規", "changed": "変更", "unchanged": "変更なし"}[self.status]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]

    @property
    def department_names(self) -> list[str]:
        return [d.name for d in self.departments]


@dataclass
class UsersPlan:
    municipality: Municipality
    rows: list[PlannedUser]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM optional), else cp932; UsersCsvInvalid on line 1 when neither decodes."""
    if len(data) > MAX_BYTES:
        raise UsersCsvInvalid([(1, "ファイルが大きすぎます（2MBまで）。", "the file is larger than 2 MB")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise UsersCsvInvalid(
            [(1, "文字コードを読み取れません（UTF-8 または Shift_JIS で保存してください）。",
              "the file is neither UTF-8 nor Shift_JIS (cp932)")]
        ) from None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(cell) if part.strip()]


def users_csv_plan(*, municipality: Municipality, text: str, by: Any) -> UsersPlan:
    """Check every row of ``text``; UsersCsvInvalid listing every problem, else what the import would do."""
    _check_manager(municipality, by)
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    problems: list[tuple[int, str, str]] = []
    if not rows:
        raise UsersCsvInvalid([(1, "ファイルが空です。", "the file is empty")])
    header = [HEADERS.get(cell.strip().lower()) for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UsersCsvInvalid(
            [(1, "1行目：見出しに次の列がありません：" + "、".join(missing),
              f"header: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})")]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise UsersCsvInvalid([(1, f"行が多すぎます（{MAX_ROWS}行まで）。", f"more than {MAX_ROWS} rows")])
    index = {name: header.index(name) for name in COLUMNS}
    with scope(municipality=municipality):
        departments = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        existing = {
            u.username.lower(): u
            for u in User.objects.filter(memberships__municipality=municipality).distinct()
        }
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.filter(municipality=municipality).prefetch_related("departments"):
            memberships.setdefault(m.user_id, []).append(m)
    planned: list[PlannedUser] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        login = cells["login"]
        try:
            roles = []
            for part in _split(cells["role"]):
                if part not in ROLE_NAMES:
                    raise InvalidInput(
                        f"役割「{part}」はありません（{'、'.join(str(r.label) for r in Role)} のいずれか）。",
                        english=f'unknown role "{part}" (expected one of {", ".join(Role.values)})',
                    )
                roles.append(ROLE_NAMES[part])
            chosen = []
            for part in _split(cells["departments"]):
                if part not in departments:
                    raise InvalidInput(f"部署「{part}」はありません。", english=f'unknown department "{part}"')
                chosen.append(departments[part])
            fields = clean_user_fields(
                municipality=municipality, login=login, name=cells["name"], email=cells["e-mail"],
                roles=roles, departments=chosen,
            )
            key = fields.login.lower()
            if key in seen:
                raise InvalidInput(
                    f"ログインID「{fields.login}」は{seen[key]}行目と重複しています。",
                    english=f"login {fields.login!r} repeats line {seen[key]}",
                )
            seen[key] = line
            user = existing.get(key)
            if user is None:
                with scopes_disabled():
                    taken = User.objects.filter(username__iexact=fields.login).exists()
                if taken:
                    raise InvalidInput(
                        f"ログインID「{fields.login}」は他の自治体の利用者です。",
                        english=f"login {fields.login!r} belongs to another municipality",
                    )
                planned.append(PlannedUser(line, fields.login, fields.name, fields.email, fields.roles,
                                           fields.departments, "new"))
                continue
            changes = _changes(user, memberships.get(user.pk, []), fields.name, fields.email, fields.roles,
                               fields.departments)
            planned.append(PlannedUser(line, user.username, fields.name, fields.email, fields.roles, fields.departments,
                                       "changed" if changes else "unchanged", user=user, changes=changes))
        except InvalidInput as exc:
            problems.append((line, f"{line}行目：{exc.message}", exc.english or exc.message))
    if problems:
        raise UsersCsvInvalid(problems)
    return UsersPlan(municipality=municipality, rows=planned)


def _changes(
    user: Any, memberships: list[Membership], name: str, email: str, roles: tuple[str, ...],
    departments: tuple[Department, ...],
) -> list[str]:
    changes = []
    if display_name(user) != name:
        changes.append("氏名")
    if user.email != email:
        changes.append("メールアドレス")
    if {m.role for m in memberships} != set(roles):
        changes.append("役割")
    current_departments = {d.pk for m in memberships for d in m.departments.all()}
    if current_departments != {d.pk for d in departments}:
        changes.append("部署")
    return changes


def users_csv_apply(*, plan: UsersPlan, by: Any, file_name: str = "") -> dict[str, int]:
    """Write a checked plan: all rows or none; one ``user.imported`` audit row sums it up."""
    municipality = plan.municipality
    _check_manager(municipality, by)
    with transaction.atomic():
        for row in plan.rows:
            if row.status == "new":
                user_invite(municipality=municipality, login=row.login, name=row.name, email=row.email,
                            roles=row.roles, departments=row.departments, by=by)
            elif row.status == "changed":
                user_update(municipality=municipality, user=row.user, name=row.name, email=row.email,
                            roles=row.roles, departments=row.departments, by=by)
        counts = {status: plan.count(status) for status in ("new", "changed", "unchanged")}
        with scope(municipality=municipality):
            audit_record(
                municipality=municipality, by=by, action="user.imported", obj=municipality,
                after={"file": file_name, **counts},
            )
    return counts


def users_csv_export(*, municipality: Municipality) -> str:
    """The municipality's users as the import reads them (re-importing the export changes nothing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    with scope(municipality=municipality):
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.filter(municipality=municipality).prefetch_related("departments"):
            memberships.setdefault(m.user_id, []).append(m)
        users = User.objects.filter(pk__in=memberships).order_by("username")
        for user in users:
            mine = sorted(memberships[user.pk], key=lambda m: m.role)
            writer.writerow([
                user.username, display_name(user), user.email, ";".join(m.role for m in mine),
                ";".join(sorted({d.name for m in mine for d in m.departments.all()})),
            ])
    return out.getvalue()

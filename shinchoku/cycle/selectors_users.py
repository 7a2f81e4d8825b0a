"""The user list of a municipality for DX staff: two queries, whatever the number of users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from shinchoku.tenancy.models import Department, Membership, Municipality, Role


@dataclass
class UserRow:
    user: Any
    name: str
    roles: list[str] = field(default_factory=list)  # Japanese labels
    departments: list[str] = field(default_factory=list)

    @property
    def last_login(self) -> dt.datetime | None:
        return self.user.last_login  # type: ignore[no-any-return]


def user_rows(*, municipality: Municipality) -> list[UserRow]:
    """Everyone with a role in ``municipality`` (active or not), by login; only this municipality's roles."""
    labels = dict(Role.choices)
    memberships = (
        Membership.objects.filter(municipality=municipality)
        .select_related("user")
        .prefetch_related(Prefetch("departments", queryset=Department.objects.order_by("name")))
        .order_by("user__username", "role")
    )
    rows: dict[int, UserRow] = {}
    for m in memberships:
        row = rows.get(m.user_id)
        if row is None:
            row = rows[m.user_id] = UserRow(user=m.user, name=f"{m.user.last_name} {m.user.first_name}".strip())
        row.roles.append(str(labels.get(m.role, m.role)))
        row.departments.extend(d.name for d in m.departments.all() if d.name not in row.departments)
    return list(rows.values())

"""Users of a municipality, managed by its DX staff: invite, change, deactivate / reactivate, password reset.

Here and not in ``tenancy`` because every write is audited and mailed through the cycle's services (tenancy
must not import upwards).

Rules (decided for issue 9):
- DX staff of M manage only M's memberships. A login that already belongs to another municipality is refused
  (its name, e-mail and password are that city's business, and silently attaching it would let M take over an
  account); the system administrator links such people in the Django admin.
- Users are never deleted: audit rows and report transitions point at them. Deactivating a user whose only
  municipality is M sets ``is_active=False`` (memberships kept, so reactivating restores them). A user who also
  works for another municipality keeps their account: M's memberships are removed instead, and the audit row
  keeps what they were.
- A new user has no usable password; the invitation mail carries a one-time set-password link (Django's
  ``default_token_generator``; the token dies once the password is set or the user logs in).
- DX staff cannot take away their own DX role or deactivate themselves (nobody would be left to undo it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.errors import InvalidInput, NotPermitted
from shinchoku.cycle.services._audit import _actor, audit_record
from shinchoku.cycle.services.mail import mail_send
from shinchoku.permissions import Action, can, forget_grants
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

User = get_user_model()

LOGIN_MAX = 150
NAME_MAX = 150
MAIL_SUBJECT_PREFIX = "【進捗】"
ROLE_LABELS: dict[str, str] = dict(Role.choices)


@dataclass(frozen=True)
class UserFields:
    """What DX staff set on a user of their municipality (validated by ``clean_user_fields``)."""

    login: str
    name: str
    email: str
    roles: tuple[str, ...]
    departments: tuple[Department, ...]


def display_name(user: Any) -> str:
    return f"{user.last_name} {user.first_name}".strip()


def _split_name(name: str) -> tuple[str, str]:
    # Japanese names are written family name first; "山田 太郎" → last_name 山田, first_name 太郎.
    last, _, first = name.strip().replace("\u3000", " ").partition(" ")
    return last.strip(), first.strip()


def clean_user_fields(
    *, municipality: Municipality, login: str, name: str, email: str, roles: Sequence[str],
    departments: Sequence[Department],
) -> UserFields:
    """Check one user's fields; InvalidInput (Japanese, with the field, and English for the CLI) when wrong."""
    login, name, email = login.strip(), name.strip(), email.strip()
    if not login:
        raise InvalidInput("ログインIDを入力してください。", field="login", english="login is empty")
    if len(login) > LOGIN_MAX or not all(c.isalnum() or c in "@.+-_" for c in login) or not login.isascii():
        raise InvalidInput(
            "ログインIDは150文字以内の半角英数字と @ . + - _ で入力してください。", field="login",
            english=f"login {login!r}: use at most 150 letters, digits and @ . + - _",
        )
    # The name may be empty: users made in the admin often have none, and the export must import back.
    if len(name) > NAME_MAX:
        raise InvalidInput("氏名は150文字以内で入力してください。", field="name", english="name is longer than 150 characters")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            "メールアドレスの形式が正しくありません。", field="email", english=f"e-mail {email!r} is not an e-mail address"
        ) from None
    unique_roles = tuple(dict.fromkeys(roles))
    if not unique_roles:
        raise InvalidInput("役割を1つ以上選んでください。", field="roles", english="no role given")
    for role in unique_roles:
        if role not in ROLE_LABELS:
            raise InvalidInput(f"役割「{role}」はありません。", field="roles", english=f"unknown role {role!r}")
    for department in departments:
        if department.municipality_id != municipality.pk:
            raise InvalidInput("この自治体の部署ではありません。", field="departments", english="department of another municipality")
    if Role.DEPARTMENT_EDITOR in unique_roles and not departments:
        raise InvalidInput(
            "担当部署の役割には部署を1つ以上選んでください。", field="departments",
            english="role department_editor needs at least one department",
        )
    if Role.DEPARTMENT_EDITOR not in unique_roles and departments:
        raise InvalidInput(
            "部署を選べるのは担当部署の役割だけです。", field="departments",
            english="departments are only for role department_editor",
        )
    return UserFields(login=login, name=name, email=email, roles=unique_roles, departments=tuple(departments))


def _check_manager(municipality: Municipality, by: Any) -> None:
    # by=None is the system (the import command); a person needs the right in this municipality.
    if by is not None and not can(by, Action.MANAGE_USERS, municipality):
        raise NotPermitted("利用者を管理する権限がありません。")


def _memberships(municipality: Municipality, user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(municipality=municipality, user=user).prefetch_related("departments").order_by("role")
    )


def user_state(municipality: Municipality, user: Any) -> dict[str, Any]:
    """The user as the audit log records it (roles and departments of this municipality only)."""
    memberships = _memberships(municipality, user)
    return {
        "login": user.username,
        "name": display_name(user),
        "email": user.email,
        "roles": [m.role for m in memberships],
        "departments": sorted({d.name for m in memberships for d in m.departments.all()}),
        "is_active": user.is_active,
    }


def _in_municipality(municipality: Municipality, user: Any) -> None:
    if not Membership.objects.filter(municipality=municipality, user=user).exists():
        raise InvalidInput("この自治体の利用者ではありません。", english=f"{user.username} is not a user of {municipality.name}")


def _other_municipalities(municipality: Municipality, user: Any) -> bool:
    # Crossing the tenancy boundary on purpose, and only to count: nothing of the other city is read.
    with scopes_disabled():
        return Membership.objects.filter(user=user).exclude(municipality=municipality).exists()


def _set_memberships(municipality: Municipality, user: Any, fields: UserFields) -> None:
    current = {m.role: m for m in Membership.objects.filter(municipality=municipality, user=user)}
    for role, membership in current.items():
        if role not in fields.roles:
            membership.delete()
    for role in fields.roles:
        membership = current.get(role) or Membership.objects.create(user=user, municipality=municipality, role=role)
        membership.departments.set(fields.departments if role == Role.DEPARTMENT_EDITOR else [])
    forget_grants(user)


def password_link(user: Any) -> str:
    """The one-time set-password URL (the same view serves invitations and resets)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password_set", args=[uidb64, token])


def _mail_link(*, municipality: Municipality, user: Any, invitation: bool) -> None:
    link = password_link(user)
    if invitation:
        subject = f"{MAIL_SUBJECT_PREFIX}{municipality.name} 進行管理システムへのご招待"
        opening = f"{municipality.name}の進行管理システム「進捗」の利用者として登録されました。"
    else:
        subject = f"{MAIL_SUBJECT_PREFIX}パスワードの再設定"
        opening = f"{municipality.name}のDX担当がパスワードの再設定を依頼しました。"
    body = "\n".join(
        [
            f"{display_name(user) or user.username} 様",
            "",
            opening,
            f"ログインID：{user.username}",
            "",
            "次のリンクを開いて、パスワードを設定してください（1回だけ使えます）。",
            link,
            "",
            "心当たりがない場合は、このメールを破棄してください。",
        ]
    )
    mail_send(subject=subject, body=body, recipients=[user.email])


def user_invite(
    *, municipality: Municipality, login: str, name: str, email: str, roles: Sequence[str],
    departments: Sequence[Department] = (), by: Any, send_mail: bool = True,
) -> Any:
    """Create a user of ``municipality`` with the roles given, and mail them a set-password link."""
    _check_manager(municipality, by)
    fields = clean_user_fields(
        municipality=municipality, login=login, name=name, email=email, roles=roles, departments=departments
    )
    with transaction.atomic(), scope(municipality=municipality):
        if User.objects.filter(username__iexact=fields.login).exists():
            raise InvalidInput(
                f"ログインID「{fields.login}」は既に使われています。", field="login",
                english=f"login {fields.login!r} is already taken",
            )
        last, first = _split_name(fields.name)
        user = User(username=fields.login, last_name=last, first_name=first, email=fields.email)
        user.set_unusable_password()
        user.save()
        _set_memberships(municipality, user, fields)
        audit_record(
            municipality=municipality, by=by, action="user.invited", obj=user, after=user_state(municipality, user)
        )
        if send_mail:
            _mail_link(municipality=municipality, user=user, invitation=True)
    return user


def user_update(
    *, municipality: Municipality, user: Any, name: str, email: str, roles: Sequence[str],
    departments: Sequence[Department] = (), by: Any,
) -> Any:
    """Change a user's name, e-mail, roles and departments in ``municipality`` (other cities' roles untouched)."""
    _check_manager(municipality, by)
    fields = clean_user_fields(
        municipality=municipality, login=user.username, name=name, email=email, roles=roles, departments=departments
    )
    actor = _actor(by)
    if actor is not None and actor.pk == user.pk and Role.DX_STAFF not in fields.roles:
        raise InvalidInput("ご自身のDX担当の役割は外せません。", field="roles", english="you cannot remove your own dx_staff role")
    with transaction.atomic(), scope(municipality=municipality):
        user = User.objects.select_for_update().get(pk=user.pk)
        _in_municipality(municipality, user)
        if _other_municipalities(municipality, user) and (name.strip(), email.strip()) != (display_name(user), user.email):
            raise InvalidInput(
                "他の自治体にも所属する利用者の氏名・メールアドレスは変更できません（役割と部署は変更できます）。",
                field="name", english=f"{user.username} also works for another municipality: name and e-mail are not changed here",
            )
        before = user_state(municipality, user)
        user.last_name, user.first_name = _split_name(fields.name)
        user.email = fields.email
        user.save(update_fields=["last_name", "first_name", "email"])
        _set_memberships(municipality, user, fields)
        after = user_state(municipality, user)
        if after != before:
            audit_record(municipality=municipality, by=by, action="user.updated", obj=user, before=before, after=after)
    return user


def user_deactivate(*, municipality: Municipality, user: Any, by: Any) -> Any:
    """Stop a user from signing in to ``municipality`` (see the module's rules; never deletes the user)."""
    _check_manager(municipality, by)
    actor = _actor(by)
    if actor is not None and actor.pk == user.pk:
        raise InvalidInput("ご自身を利用停止にはできません。", english="you cannot deactivate yourself")
    with transaction.atomic(), scope(municipality=municipality):
        user = User.objects.select_for_update().get(pk=user.pk)
        _in_municipality(municipality, user)
        before = user_state(municipality, user)
        if _other_municipalities(municipality, user):
            Membership.objects.filter(municipality=municipality, user=user).delete()
            after = {**before, "roles": [], "departments": [], "memberships_removed": True}
        else:
            if not user.is_active:
                return user
            user.is_active = False
            user.save(update_fields=["is_active"])
            after = user_state(municipality, user)
        forget_grants(user)
        audit_record(municipality=municipality, by=by, action="user.deactivated", obj=user, before=before, after=after)
    return user


def user_reactivate(*, municipality: Municipality, user: Any, by: Any) -> Any:
    _check_manager(municipality, by)
    with transaction.atomic(), scope(municipality=municipality):
        user = User.objects.select_for_update().get(pk=user.pk)
        _in_municipality(municipality, user)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            municipality=municipality, by=by, action="user.reactivated", obj=user,
            before={"is_active": False}, after={"is_active": True},
        )
    return user


def user_password_reset(*, municipality: Municipality, user: Any, by: Any) -> Any:
    """Mail the user a set-password link; the current password keeps working until they set a new one."""
    _check_manager(municipality, by)
    with transaction.atomic(), scope(municipality=municipality):
        _in_municipality(municipality, user)
        if not user.is_active:
            raise InvalidInput("利用停止中の利用者にはパスワード再設定のメールを送れません。", english=f"{user.username} is inactive")
        if not user.email:
            raise InvalidInput("メールアドレスが登録されていません。", english=f"{user.username} has no e-mail address")
        _mail_link(municipality=municipality, user=user, invitation=False)
        audit_record(
            municipality=municipality, by=by, action="user.password_reset_sent", obj=user, after={"email": user.email}
        )
    return user


def municipality_approvers_set(*, municipality: Municipality, approvers: str, by: Any) -> Municipality:
    """Who may return and approve reports here: HQ only (the default) or HQ and DX staff."""
    from shinchoku.tenancy.models import Approvers

    _check_manager(municipality, by)
    if approvers not in Approvers.values:
        raise InvalidInput("審査できる役割を選んでください。", field="approvers", english=f"unknown approvers {approvers!r}")
    with transaction.atomic(), scope(municipality=municipality.pk):
        current = Municipality.objects.select_for_update().get(pk=municipality.pk)
        if current.approvers != approvers:
            before = current.approvers
            current.approvers = approvers
            current.save(update_fields=["approvers"])
            audit_record(
                municipality=current, by=by, action="tenancy.municipality.updated", obj=current,
                before={"approvers": before}, after={"approvers": approvers},
            )
        municipality.approvers = approvers
    if by is not None:
        forget_grants(by)
    return municipality

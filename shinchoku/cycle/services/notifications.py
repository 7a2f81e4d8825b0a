"""Notifications: who is told of a transition, in the app and by e-mail (queued through ``mail.mail_send``).

``notify`` is called by the services of the transitions, inside their transaction and scope, so a transition
that fails tells nobody. The person acting is not told of their own action; inactive users are not told.
Each notice is one ``Notification`` row per recipient; the e-mail is one message per recipient (so nobody
sees another's address) unless they turned e-mail off (``NotificationPreference``). One audit row records
who was told, so nobody has to read the mail log to find out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.errors import NotPermitted
from shinchoku.cycle.models import Notification, NotificationKind, NotificationPreference
from shinchoku.cycle.services._audit import _actor, audit_record
from shinchoku.cycle.services.mail import mail_send
from shinchoku.plans.models import ProjectReport, ReportingYear
from shinchoku.tenancy.models import Membership, Municipality, Role

User = get_user_model()



MAIL_SUBJECT_PREFIX = "【進捗】"


@dataclass(frozen=True)
class _Event:
    happened: str  # what happened to the report or year, in the passive
    comment_label: str = ""  # the heading of the comment in the mail, when the kind carries one


EVENTS: dict[str, _Event] = {
    NotificationKind.SUBMITTED: _Event("提出されました"),
    NotificationKind.WITHDRAWN: _Event("取り下げられました"),
    NotificationKind.RETURNED: _Event("差し戻されました", "差戻しの理由"),
    NotificationKind.APPROVED: _Event("承認されました", "情報化推進本部のコメント"),
    NotificationKind.REOPENED: _Event("再開されました", "再開の理由"),
    NotificationKind.YEAR_REOPENED: _Event("再開されました", "再開の理由"),
    NotificationKind.PUBLISHED: _Event("公表されました"),
}


def _recipients(*, kind: str, municipality_id: int, report: ProjectReport | None) -> list[Any]:
    """The users told of ``kind``: HQ of a submission or its withdrawal, the project's department editors of a report's return,
    approval or reopening, every department editor of a year's reopening, everyone of a publication."""
    memberships = Membership.objects.filter(municipality_id=municipality_id, user__is_active=True)
    if kind in (NotificationKind.SUBMITTED, NotificationKind.WITHDRAWN):
        memberships = memberships.filter(role=Role.HQ_REVIEWER)
    elif kind == NotificationKind.PUBLISHED:
        pass
    elif report is not None:
        memberships = memberships.filter(
            role=Role.DEPARTMENT_EDITOR, departments__in=report.project.departments.all()
        )
    else:
        memberships = memberships.filter(role=Role.DEPARTMENT_EDITOR)
    ids = set(memberships.values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _subject(*, kind: str, fiscal_year: int, report: ProjectReport | None) -> str:
    year = wareki.format_fiscal_year(fiscal_year)
    event = EVENTS[kind]
    if report is not None:
        return f"{report.project.name}の報告が{event.happened}（{year}）"
    if kind == NotificationKind.PUBLISHED:
        return f"{year}の進行管理報告書が公表されました"
    return f"{year}の進行管理が再開されました"


def _link(*, kind: str, municipality_id: int, fiscal_year: int, report: ProjectReport | None) -> str:
    if report is not None:
        name = "web:report_review" if kind == NotificationKind.SUBMITTED else "web:report_edit"
        return reverse(name, args=[municipality_id, fiscal_year, report.project_id])
    return reverse("web:project_list", args=[municipality_id, fiscal_year])


def _display_name(user: Any) -> str:
    if user is None:
        return "システム"
    return str(user.get_full_name() or user.get_username())


def mail_body(
    *, notification: Notification, municipality: Municipality, fiscal_year: int, by: Any,
    report: ProjectReport | None,
) -> str:
    """The Japanese text of a notification's e-mail: what happened, by whom, when (era date), and a link."""
    site = settings.SITE_URL.rstrip("/")
    event = EVENTS[notification.kind]
    lines = [f"{_display_name(notification.user)} 様", ""]
    if report is not None:
        lines += [
            f"{municipality.name}の{wareki.format_fiscal_year(fiscal_year)}の進行管理で、"
            f"次の個別事業計画の報告が{event.happened}。",
            "",
            f"個別事業計画：{report.project.name}",
        ]
    elif notification.kind == NotificationKind.PUBLISHED:
        lines.append(f"{municipality.name}の{wareki.format_fiscal_year(fiscal_year)}の進行管理報告書が公表されました。")
    else:
        lines.append(
            f"{municipality.name}の{wareki.format_fiscal_year(fiscal_year)}の進行管理が再開されました。"
            "報告の修正をお願いすることがあります。"
        )
    lines += [
        f"操作した人：{_display_name(_actor(by))}",
        f"日付：{wareki.format_date(timezone.localdate(notification.created_at))}",
    ]
    if notification.comment and event.comment_label:
        lines += ["", f"{event.comment_label}：", notification.comment]
    lines += [
        "",
        f"確認はこちらから：{site}{notification.link}",
        "",
        "（このメールは進捗管理システムから自動で送信しています。",
        f"メールでの通知は {site}{reverse('notification_settings')} で停止できます）",
    ]
    return "\n".join(lines)


def notify(
    *,
    kind: str,
    municipality_id: int,
    fiscal_year: int,
    by: Any,
    report: ProjectReport | None = None,
    year: ReportingYear | None = None,
    comment: str = "",
) -> list[Notification]:
    """Tell the people concerned that ``kind`` happened to ``report`` (or to the year): one in-app
    notification each, an e-mail each unless turned off, one audit row. Called inside the transition's
    transaction; the e-mail is queued with it."""
    assert kind in EVENTS, kind
    actor = _actor(by)
    recipients = [u for u in _recipients(kind=kind, municipality_id=municipality_id, report=report)
                  if actor is None or u.pk != actor.pk]
    if not recipients:
        return []
    # Through the foreign keys (the unscoped base manager): the scope may hold the id or the Municipality.
    plan = report.project.plan if report is not None else year.plan if year is not None else None
    assert plan is not None and plan.municipality_id == municipality_id
    municipality = plan.municipality
    subject = _subject(kind=kind, fiscal_year=fiscal_year, report=report)
    link = _link(kind=kind, municipality_id=municipality_id, fiscal_year=fiscal_year, report=report)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            municipality_id=municipality_id, user=user, kind=kind, subject=subject, comment=comment.strip(),
            link=link, created_at=now,
        )
        for user in recipients
    )
    no_mail = set(
        NotificationPreference.objects.filter(
            municipality_id=municipality_id, user__in=recipients, email=False
        ).values_list("user_id", flat=True)
    )
    mailed: list[Any] = []
    for notification in notifications:
        user = notification.user
        if user.pk in no_mail or not user.email:
            continue
        body = mail_body(notification=notification, municipality=municipality, fiscal_year=fiscal_year, by=by,
                         report=report)
        mail_send(subject=MAIL_SUBJECT_PREFIX + subject, body=body, recipients=[user.email])
        mailed.append(user)
    # On the year and not the project: a report's and a project's history are what changed in them.
    target = report.reporting_year if report is not None else year
    assert target is not None
    audit_record(
        municipality=municipality_id, by=by, action="notification.sent", obj=target,
        after={"kind": kind, **({"project": report.project.name} if report is not None else {}),
               "recipients": [u.get_username() for u in recipients],
               "mailed": [u.get_username() for u in mailed]},
    )
    return notifications


# -- the user's own notifications ---------------------------------------------------------------------------


def notifications_mark_read(*, user: Any, municipality_ids: Iterable[int]) -> int:
    """Mark all of the user's unread notifications in ``municipality_ids`` read; returns how many."""
    ids = list(municipality_ids)
    with scope(municipality=ids), transaction.atomic():
        return Notification.objects.filter(
            user=user, municipality_id__in=ids, read_at__isnull=True
        ).update(read_at=timezone.now())


def notification_email_set(*, user: Any, municipality: Municipality, email: bool) -> NotificationPreference:
    """Turn the user's notification e-mail in ``municipality`` on or off (the in-app notifications stay)."""
    with scope(municipality=municipality.pk), transaction.atomic():
        if not Membership.objects.filter(user=user, municipality=municipality).exists():
            raise NotPermitted("この自治体の利用者ではありません。")
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
            user=user, municipality=municipality
        )
        if preference.email != email:
            before = preference.email
            preference.email = email
            preference.save(update_fields=["email"])
            audit_record(
                municipality=municipality, by=user, action="notification.preference.updated", obj=preference,
                before={"email": before}, after={"email": email},
            )
        return preference

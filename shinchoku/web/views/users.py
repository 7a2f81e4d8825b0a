"""``/<municipality>/users/``: DX staff manage the municipality's users (Action.MANAGE_USERS; others 403).

List, invite, edit, deactivate / reactivate, password reset (each a POST after a confirmation page), CSV
import (upload → checked preview of every row → confirm; all or nothing), and the approval setting.
Every write is one service of ``shinchoku.cycle.services.users``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from shinchoku.cycle.errors import CycleError
from shinchoku.cycle.selectors_users import UserRow, user_rows
from shinchoku.cycle.services.municipality_code import municipality_code_set
from shinchoku.cycle.services.users import (
    display_name,
    municipality_approvers_set,
    user_deactivate,
    user_invite,
    user_password_reset,
    user_reactivate,
    user_update,
)
from shinchoku.cycle.services.users_import import UsersCsvInvalid, decode_csv, users_csv_apply, users_csv_plan
from shinchoku.permissions import Action
from shinchoku.tenancy import codes
from shinchoku.tenancy.models import Approvers, Department, Membership, Municipality, Role
from shinchoku.web.views._common import authorize, municipality_or_404, page

User = get_user_model()


def _manager(request: HttpRequest, municipality_id: int) -> Municipality:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.MANAGE_USERS, municipality)
    return municipality


def _user_or_404(municipality: Municipality, user_id: int) -> Any:
    # Only users with a membership here: another city's user is a 404, like any other object outside the scope.
    if not Membership.objects.filter(municipality=municipality, user_id=user_id).exists():
        raise Http404("利用者が見つかりません")
    return User.objects.get(pk=user_id)


def _form_values(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    ids = [int(v) for v in request.POST.getlist("departments") if v.isdigit()]
    return {
        "login": request.POST.get("login", ""),
        "name": request.POST.get("name", ""),
        "email": request.POST.get("email", ""),
        "roles": request.POST.getlist("roles"),
        "departments": list(Department.objects.filter(municipality=municipality, pk__in=ids)),
    }


def _render_form(
    request: HttpRequest, municipality: Municipality, *, values: dict[str, Any], target: Any = None,
    error: CycleError | None = None, status: int = 200,
) -> HttpResponse:
    return page(
        request, "web/users/form.html", municipality=municipality, section="users", status=status,
        breadcrumbs=[("利用者の管理", f"/{municipality.pk}/users/"), ("編集" if target else "利用者の招待", None)],
        target=target, values=values, error=error,
        role_choices=Role.choices,
        department_choices=list(Department.objects.filter(municipality=municipality)),
        selected_department_ids={d.pk for d in values.get("departments", [])},
    )


@login_required
def user_list(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = _manager(request, municipality_id)
    rows: list[UserRow] = user_rows(municipality=municipality)
    return page(request, "web/users/list.html", municipality=municipality, section="users", rows=rows)


@login_required
def user_new(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = _manager(request, municipality_id)
    if request.method != "POST":
        return _render_form(request, municipality, values={"roles": [], "departments": []})
    values = _form_values(request, municipality)
    try:
        user = user_invite(municipality=municipality, by=request.user, **values)
    except CycleError as exc:
        return _render_form(request, municipality, values=values, error=exc, status=400)
    messages.success(request, f"{display_name(user)}（{user.username}）を登録し、招待のメールを {user.email} に送りました。")
    return redirect("web:user_list", municipality.pk)


@login_required
def user_edit(request: HttpRequest, municipality_id: int, user_id: int) -> HttpResponse:
    municipality = _manager(request, municipality_id)
    target = _user_or_404(municipality, user_id)
    if request.method != "POST":
        memberships = list(Membership.objects.filter(municipality=municipality, user=target).prefetch_related("departments"))
        values = {
            "login": target.username, "name": display_name(target), "email": target.email,
            "roles": [m.role for m in memberships],
            "departments": [d for m in memberships for d in m.departments.all()],
        }
        return _render_form(request, municipality, values=values, target=target)
    values = _form_values(request, municipality)
    values.pop("login")
    try:
        user_update(municipality=municipality, user=target, by=request.user, **values)
    except CycleError as exc:
        return _render_form(request, municipality, values={**values, "login": target.username}, target=target,
                            error=exc, status=400)
    messages.success(request, f"{display_name(target) or target.username} の情報を変更しました。")
    return redirect("web:user_list", municipality.pk)


ACTIONS = {
    "deactivate": ("利用停止", "この利用者はログインできなくなります（操作履歴は残ります）。", user_deactivate, "を利用停止にしました。"),
    "reactivate": ("利用再開", "この利用者は再びログインできるようになります。", user_reactivate, "の利用を再開しました。"),
    "password-reset": (
        "パスワード再設定のメール", "パスワードを設定するリンクをこの利用者にメールで送ります。", user_password_reset,
        "にパスワード再設定のメールを送りました。",
    ),
}


@login_required
def user_action(request: HttpRequest, municipality_id: int, user_id: int, action: str) -> HttpResponse:
    """GET: the confirmation page; POST: do it."""
    if action not in ACTIONS:
        raise Http404("操作が見つかりません")
    municipality = _manager(request, municipality_id)
    target = _user_or_404(municipality, user_id)
    label, explanation, service, done = ACTIONS[action]
    error = None
    if request.method == "POST":
        try:
            service(municipality=municipality, user=target, by=request.user)
        except CycleError as exc:
            error = exc.message
        else:
            messages.success(request, f"{display_name(target) or target.username}{done}")
            return redirect("web:user_list", municipality.pk)
    return page(
        request, "web/users/confirm.html", municipality=municipality, section="users",
        status=400 if error else 200, target=target, target_name=display_name(target), label=label,
        explanation=explanation, action=action, error=error,
        breadcrumbs=[("利用者の管理", f"/{municipality.pk}/users/"), (label, None)],
    )


@login_required
def user_import(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """Upload → preview (nothing written) → confirm with the same text (checked again, then all or nothing)."""
    municipality = _manager(request, municipality_id)
    context: dict[str, Any] = {"breadcrumbs": [("利用者の管理", f"/{municipality.pk}/users/"), ("CSVの取込み", None)]}
    if request.method != "POST":
        return page(request, "web/users/import.html", municipality=municipality, section="users", **context)
    upload = request.FILES.get("file")
    file_name = (upload.name or "") if upload else request.POST.get("file_name", "")
    try:
        text = decode_csv(upload.read()) if upload else request.POST.get("csv_text", "")
        if not text:
            return page(request, "web/users/import.html", municipality=municipality, section="users", status=400,
                        problems=["CSVファイルを選んでください。"], **context)
        plan = users_csv_plan(municipality=municipality, text=text, by=request.user)
        if request.POST.get("confirm") == "1" and not upload:
            counts = users_csv_apply(plan=plan, by=request.user, file_name=file_name)
            messages.success(
                request, f"CSVを取り込みました：新規 {counts['new']}人、変更 {counts['changed']}人、変更なし {counts['unchanged']}人。"
            )
            return redirect("web:user_list", municipality.pk)
    except UsersCsvInvalid as exc:
        return page(request, "web/users/import.html", municipality=municipality, section="users", status=400,
                    problems=[jp for _, jp, _ in exc.problems], **context)
    except CycleError as exc:
        return page(request, "web/users/import.html", municipality=municipality, section="users", status=400,
                    problems=[exc.message], **context)
    return page(request, "web/users/import.html", municipality=municipality, section="users", plan=plan,
                csv_text=text, file_name=file_name, new_count=plan.count("new"), changed_count=plan.count("changed"),
                unchanged_count=plan.count("unchanged"), **context)


@login_required
def municipality_settings(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = _manager(request, municipality_id)
    context: dict[str, Any] = {
        "approver_choices": Approvers.choices,
        # The national list's candidates for the name: one for 柏崎市, several for 府中市.
        "code_candidates": codes.candidates_for_name(municipality.name),
        "code_value": municipality.code,
    }
    if request.method == "POST":
        try:
            if request.POST.get("form") == "code":
                context["code_value"] = request.POST.get("code", "")
                municipality_code_set(municipality=municipality, code=context["code_value"], by=request.user)
            else:
                municipality_approvers_set(
                    municipality=municipality, approvers=request.POST.get("approvers", ""), by=request.user
                )
        except CycleError as exc:
            return page(request, "web/users/settings.html", municipality=municipality, section="users", status=400,
                        error=exc.message, **context)
        messages.success(request, "自治体の設定を変更しました。")
        return redirect("web:municipality_settings", municipality.pk)
    return page(request, "web/users/settings.html", municipality=municipality, section="users", **context)



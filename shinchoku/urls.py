"""Root URLs: admin, login/logout, the web application and (when present) report downloads."""

from __future__ import annotations

from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from shinchoku.public.api import api, api_docs
from shinchoku.web.views import notifications
from shinchoku.web.views.home import home

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=False), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    # Django's views: the password validators of settings apply, and the session stays valid afterwards.
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The one-time link of an invitation or a reset (cycle/services/users.py:password_link); Django's
    # SetPasswordForm with the validators of settings. Not logged in afterwards: the user signs in as usual.
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set_form.html", success_url="/password/set/done/"
        ),
        name="password_set",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set_done.html"),
        name="password_set_done",
    ),
    # The user's own notifications, across their municipalities (the request is scoped to all of them).
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
    # Open data, feeds, badges (the portal's own pages are a separate include under the same prefix).
    path("p/", include("shinchoku.public.urls_data")),
    path("api/v1/docs/", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    path("", home, name="home"),
    # The public portal: anonymous, cookie-free, read from publication snapshots only.
    path("p/", include("shinchoku.public.urls")),
]

# Report downloads belong to the documents app; mounted only once it exists.
if find_spec("shinchoku.documents") is not None and find_spec("shinchoku.documents.urls") is not None:
    urlpatterns.append(path("<int:municipality_id>/reports/", include("shinchoku.documents.urls")))

urlpatterns.append(
    path("<int:municipality_id>/<int:fiscal_year>/document/", include("shinchoku.web.urls_progress_report"))
)
urlpatterns.append(path("<int:municipality_id>/", include("shinchoku.web.urls")))

handler403 = "shinchoku.web.views.errors.permission_denied"

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/api-token/", views.api_token_create, name="api_token_create"),
    path("me/api-token/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/add/", views.staff_create, name="staff_create"),
    path("staff/<str:username>/edit/", views.staff_edit, name="staff_edit"),
]

"""Public pages of joining (/join/<code>/): the application form an invitation leads to."""

from django.urls import path

from . import views

app_name = "join"
urlpatterns = [
    path("", views.join, name="owner"),
    path("poster.png", views.join_poster, name="owner_poster"),
    path("done/", views.join_done, name="done"),
    path("<str:code>/", views.join, name="apply"),
    path("<str:code>/poster.png", views.join_poster, name="poster"),
]

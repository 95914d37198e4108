"""Public marketing URLs: the tracked links /t/<code> (a trailing slash, as some chat apps
add, is accepted)."""

from django.urls import re_path

from . import views

app_name = "tracked"
urlpatterns = [
    re_path(r"^(?P<code>[^/]+)/?$", views.follow, name="follow"),
]

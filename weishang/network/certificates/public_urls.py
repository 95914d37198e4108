"""The public certificate check (/verify/<number>): no login, for the agent's customers."""

from django.urls import path

from . import views

app_name = "verify"
urlpatterns = [
    path("", views.verify_form, name="form"),
    path("<str:number>", views.verify, name="certificate"),
]

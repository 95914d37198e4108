"""The public certificate check (/verify/<number>): no login, for the agent's customers."""

from django.urls import path

from . import certificate_views

app_name = "verify"
urlpatterns = [
    path("", certificate_views.verify_form, name="form"),
    path("<str:number>", certificate_views.verify, name="certificate"),
]

"""Console results pages, under /console/marketing/results/ (namespace "marketing")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ranking, name="results"),
]

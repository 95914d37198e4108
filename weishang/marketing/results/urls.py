"""Console results pages, under /console/marketing/results/ (namespace "marketing")."""

from django.urls import path

from . import views as results_views

urlpatterns = [
    path("", results_views.ranking, name="results"),
]

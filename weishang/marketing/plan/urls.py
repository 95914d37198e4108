"""The posting plan in the console (/console/marketing/plan/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.plan_week, name="plan"),
    path("new/", views.plan_add, name="plan_add"),
    path("<int:entry_id>/", views.plan_edit, name="plan_edit"),
    path("<int:entry_id>/posted/", views.plan_posted, name="plan_posted"),
    path("<int:entry_id>/skip/", views.plan_skip, name="plan_skip"),
    path("<int:entry_id>/delete/", views.plan_delete, name="plan_delete"),
]

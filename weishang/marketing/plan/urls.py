"""The posting plan in the console (/console/marketing/plan/)."""

from django.urls import path

from . import views as plan_views

urlpatterns = [
    path("", plan_views.plan_week, name="plan"),
    path("new/", plan_views.plan_add, name="plan_add"),
    path("<int:entry_id>/", plan_views.plan_edit, name="plan_edit"),
    path("<int:entry_id>/posted/", plan_views.plan_posted, name="plan_posted"),
    path("<int:entry_id>/skip/", plan_views.plan_skip, name="plan_skip"),
    path("<int:entry_id>/delete/", plan_views.plan_delete, name="plan_delete"),
]

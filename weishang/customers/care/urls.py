"""Customer-care pages, mounted at /console/customers/ before the customer pages (whose
``<public_id>/`` would otherwise take these paths)."""

from django.urls import path

from . import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/reminders/done/", views.reminder_done, name="reminder_done"),
    path("today/reminders/snooze/", views.reminder_snooze, name="reminder_snooze"),
    path("followups/new/<str:public_id>/", views.followup_add, name="followup_add"),
    path("followups/<int:pk>/edit/", views.followup_edit, name="followup_edit"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("followups/<int:pk>/snooze/", views.followup_snooze, name="followup_snooze"),
    path("followups/<int:pk>/delete/", views.followup_delete, name="followup_delete"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/<slug:code>/", views.segment_detail, name="segment_detail"),
    path("settings/", views.care_settings, name="settings"),
]

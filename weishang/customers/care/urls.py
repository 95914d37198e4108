"""Customer-care pages, mounted at /console/customers/ before the customer pages (whose
``<public_id>/`` would otherwise take these paths)."""

from django.urls import path

from . import views as care_views

urlpatterns = [
    path("today/", care_views.today, name="today"),
    path("today/reminders/done/", care_views.reminder_done, name="reminder_done"),
    path("today/reminders/snooze/", care_views.reminder_snooze, name="reminder_snooze"),
    path("followups/new/<str:public_id>/", care_views.followup_add, name="followup_add"),
    path("followups/<int:pk>/edit/", care_views.followup_edit, name="followup_edit"),
    path("followups/<int:pk>/done/", care_views.followup_done, name="followup_done"),
    path("followups/<int:pk>/snooze/", care_views.followup_snooze, name="followup_snooze"),
    path("followups/<int:pk>/delete/", care_views.followup_delete, name="followup_delete"),
    path("segments/", care_views.segment_list, name="segments"),
    path("segments/<slug:code>/", care_views.segment_detail, name="segment_detail"),
    path("settings/", care_views.care_settings, name="settings"),
]

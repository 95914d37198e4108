"""The owner's pages for agents (/console/agents/): levels, applications, agents, rules."""

from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.agent_list, name="list"),
    path("applications/", views.applications, name="applications"),
    path("levels/", views.level_list, name="levels"),
    path("levels/new/", views.level_create, name="level_create"),
    path("levels/<int:pk>/", views.level_edit, name="level_edit"),
    path("levels/<int:pk>/delete/", views.level_delete, name="level_delete"),
    path("levels/<int:pk>/rules/", views.level_rule, name="level_rule"),
    path("levels/<int:pk>/rules/<int:rule_id>/remove/", views.level_rule_remove,
         name="level_rule_remove"),
    path("settings/", views.network_settings, name="settings"),
    path("<str:public_id>/", views.agent_detail, name="detail"),
    path("<str:public_id>/state/", views.change_state, name="change_state"),
    path("<str:public_id>/level/", views.set_level, name="set_level"),
    path("<str:public_id>/level-review/", views.level_review, name="level_review"),
    path("<str:public_id>/upline/", views.move, name="move"),
]

"""Console pages of marketing (/console/marketing/)."""

from django.urls import include, path

from . import views

app_name = "marketing"
urlpatterns = [
    path("kits/", include("weishang.marketing.kits.urls")),
    path("plan/", include("weishang.marketing.plan.urls")),
    path("results/", include("weishang.marketing.results.urls")),
    path("", views.post_list, name="post_list"),
    path("new/", views.post_create, name="post_create"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/<slug:code>/", views.channel_edit, name="channel_edit"),
    path("settings/", views.marketing_settings, name="settings"),
    path("<str:public_id>/", views.post_detail, name="post_detail"),
    path("<str:public_id>/edit/", views.post_edit, name="post_edit"),
    path("<str:public_id>/publish/", views.post_publish, name="post_publish"),
    path("<str:public_id>/delete/", views.post_delete, name="post_delete"),
    path("<str:public_id>/images/", views.image_upload, name="image_upload"),
    path("<str:public_id>/images/<str:image_id>/delete/", views.image_delete,
         name="image_delete"),
    path("<str:public_id>/images/<str:image_id>/move/", views.image_move, name="image_move"),
]

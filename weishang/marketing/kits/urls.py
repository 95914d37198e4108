"""Share kits in the console (/console/marketing/kits/): choose a channel for a post, the kit
of a post on a channel, its poster and its images."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:post>/", views.kit_channels, name="kit_channels"),
    path("<str:post>/<slug:channel>/", views.kit_page, name="kit"),
    path("<str:post>/<slug:channel>/poster.png", views.kit_poster, name="kit_poster"),
    path("<str:post>/<slug:channel>/images/<str:image>/", views.kit_image,
         name="kit_image"),
]

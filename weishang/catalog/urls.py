from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create, name="product_create"),
    path("variant-grid/", views.variant_grid, name="variant_grid"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<str:public_id>/edit/", views.category_edit, name="category_edit"),
    path("categories/<str:public_id>/delete/", views.category_delete, name="category_delete"),
    path("<str:public_id>/", views.product_detail, name="product_detail"),
    path("<str:public_id>/edit/", views.product_edit, name="product_edit"),
    path("<str:public_id>/shelf/", views.product_shelf, name="product_shelf"),
    path("<str:public_id>/duplicate/", views.product_duplicate, name="product_duplicate"),
    path("<str:public_id>/images/", views.image_upload, name="image_upload"),
    path("<str:public_id>/images/<str:image_id>/delete/", views.image_delete,
         name="image_delete"),
    path("<str:public_id>/images/<str:image_id>/move/", views.image_move, name="image_move"),
]

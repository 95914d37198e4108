"""REST endpoints of marketing, under /api/v1/."""

from . import kit_api, link_api, plan_api

urlpatterns = [*link_api.urlpatterns, *kit_api.urlpatterns, *plan_api.urlpatterns]

"""REST endpoints of customer care, under /api/v1/."""

from . import care_api, import_api

urlpatterns = [*care_api.urlpatterns, *import_api.urlpatterns]

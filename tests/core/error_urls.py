"""The site's URLs plus two that fail, for the server-error pages (tests/core/test_error_pages)."""

from django.db import OperationalError
from django.urls import path

from weishang.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise OperationalError("the database went away")


urlpatterns = [path("broken/", broken), path("api/v1/broken/", broken), *urlpatterns]

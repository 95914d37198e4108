"""The site's URLs plus some that fail: for the server-error pages (tests/core/test_error_pages)
and for the logs and error reports (tests/core/test_logging)."""

from django.db import OperationalError
from django.urls import path

from weishang.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise OperationalError("the database went away")


def no_courier(request):
    """Fails with the customer's phone number in the error's message."""
    raise ValueError(f"No courier reaches {request.POST.get('phone') or request.GET['phone']}")


urlpatterns = [path("broken/", broken), path("api/v1/broken/", broken),
               path("courier/", no_courier), *urlpatterns]

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import health


def back_url(request, fallback: str) -> str:
    """The page a form was posted from (its ``next`` field) when that page is on this site, so
    a button takes the user back where they were; ``fallback`` otherwise."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitors). With
    ``?deep=1`` also the cache, the workers and every job (``core/health.py``), 503 when one of
    them is not well."""
    if request.GET.get("deep") == "1":
        result = health.report()
        return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

"""The bare baseline for bench/storefront.py: the project's own settings and middleware, with one
extra view that renders nothing. Served by the same gunicorn as the shop, in the same run."""

from django.http import HttpResponse
from django.urls import path

from weishang.urls import urlpatterns as weishang_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *weishang_urlpatterns]

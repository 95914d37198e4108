"""Authorization certificates in the console (/console/certificates/)."""

from django.urls import path, re_path

from . import certificate_views

app_name = "certificates"
urlpatterns = [
    path("", certificate_views.certificate_list, name="list"),
    path("mine/", certificate_views.mine, name="mine"),
    path("seal/", certificate_views.seal, name="seal"),
    path("agent/<str:public_id>/", certificate_views.agent_certificates, name="agent"),
    path("agent/<str:public_id>/issue/", certificate_views.issue, name="issue"),
    path("<str:number>/renew/", certificate_views.renew, name="renew"),
    path("<str:number>/revoke/", certificate_views.revoke, name="revoke"),
    re_path(r"^(?P<number>[^/]+)/certificate\.(?P<kind>png|pdf)$", certificate_views.download,
            name="download"),
]

"""Authorization certificates in the console (/console/certificates/)."""

from django.urls import path, re_path

from . import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("seal/", views.seal, name="seal"),
    path("agent/<str:public_id>/", views.agent_certificates, name="agent"),
    path("agent/<str:public_id>/issue/", views.issue, name="issue"),
    path("<str:number>/renew/", views.renew, name="renew"),
    path("<str:number>/revoke/", views.revoke, name="revoke"),
    re_path(r"^(?P<number>[^/]+)/certificate\.(?P<kind>png|pdf)$", views.download,
            name="download"),
]

"""REST endpoints of authorization certificates."""

urlpatterns = []

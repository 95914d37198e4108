"""REST endpoints of an agent's own shop: profile, hidden products, team."""

urlpatterns = []

"""REST endpoints of stock purchases, cloud stock and buy-backs."""

urlpatterns = []

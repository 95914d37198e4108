"""REST endpoints of earnings and withdrawals."""

urlpatterns = []

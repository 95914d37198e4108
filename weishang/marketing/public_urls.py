"""Public marketing URLs: the tracked links /t/<code>."""

urlpatterns = []

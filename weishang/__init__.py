"""Weishang (微商): the open-source platform for social-commerce sellers and their agents."""

# Every process that sends a task (a command queuing jobs on the workers) sends it with the
# configured app, not Celery's default one.
from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"

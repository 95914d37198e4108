"""`pytest tests/stack --stack`: the whole production stack from a fresh install (minutes; its
own step of .ci/run). Without ``--stack`` its tests are skipped at once.

Registered for the whole suite in tests/conftest.py, so the option is known wherever pytest
starts.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--stack", action="store_true",
                     help="run the stack test (tests/stack): PostgreSQL, Redis, gunicorn, "
                          "Celery and nginx from a fresh install")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stack: runs the production stack from a fresh install (needs --stack)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("stack"):
        return
    skip = pytest.mark.skip(reason="the stack test runs with --stack")
    for item in items:
        if item.get_closest_marker("stack"):
            item.add_marker(skip)

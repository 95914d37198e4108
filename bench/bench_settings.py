"""Weishang's settings with the bare "hello" view added (see hello.py)."""

from weishang.settings import *  # noqa: F403

ROOT_URLCONF = "hello"

"""Weishang (微商): the open-source platform for social-commerce sellers and their agents."""

__version__ = "0.1.0"

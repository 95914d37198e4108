"""Fixtures of the customers tests (c2 and c3 may use them too)."""

import pytest

from weishang.customers import services


@pytest.fixture
def add_customer(owner):
    """add_customer(name="张三", phone="13812345678", actor=owner, **fields): a customer made
    through the service, so its search keys are filled in."""

    def make(name="张三", phone="", actor=None, **fields):
        return services.create_customer(actor or owner, name=name, phone=phone, **fields)

    return make

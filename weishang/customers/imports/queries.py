"""Reads of the customer import and export."""

from .. import queries


def filtered_customers(user, filters: dict):
    """The customers ``user`` may see narrowed by ``filters`` (queries.customer_list's keyword
    arguments), and a short description of the filters for the access log."""
    described = {"q" if name == "text" else name: value for name, value in filters.items()
                 if value not in (None, "")}
    return (queries.customer_list(user, **filters),
            " ".join(f"{name}={value}" for name, value in described.items()))

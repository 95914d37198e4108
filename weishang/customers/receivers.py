"""Keeps customer records in step with orders (connected in apps.CustomersConfig.ready)."""

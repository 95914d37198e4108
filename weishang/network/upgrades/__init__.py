"""Automatic upgrades: agents reach the levels their real retail selling meets, and levels that
refunds took the selling below are reviewed (a daily job and the ``upgrades`` command)."""

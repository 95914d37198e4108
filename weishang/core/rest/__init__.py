"""The REST error contract every app's API shares: the JSON shape of an error answer
(``errors.ErrorSerializer``), the DRF exception handler producing it, and the JSON parser.

It lives in core, not in the ``api`` interface package, so that each app's ``api.py`` can
document and produce its errors without importing an interface.
"""

"""JSON bodies for every endpoint, refusing what Python's parser cannot take.

JSON nested a few thousand levels deep (``[[[[…]]]]``, a few kilobytes) makes ``json.load``
raise ``RecursionError``, which DRF's parser lets through as a 500: here it is the 400 of any
unreadable body.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply to be read.")) from None

"""DRF's JSON parser, answering 400 to JSON nested too deeply for Python's parser (a
RecursionError, which was a 500; issue 12.12). The verify call parses its own body and does
the same (approvals/keys/api.py)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error: nested too deeply.") from None

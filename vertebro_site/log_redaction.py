"""Keep query strings out of the server logs.

A search (`/?q=…`) carries a patient reference in its query string. Log lines that quote a
request line or a URL — gunicorn's error log (a malformed request line is logged whole) and
the development server's request log — have the query string replaced by `?[query removed]`.
gunicorn's access log names the path only (scripts/serve.sh's format).
"""

import logging
import re

from gunicorn import glogging

REDACTED = "?[query removed]"
# From the "?" to the " HTTP/x" that ends a request line, or to the end of the line.
QUERY_STRING = re.compile(r"\?[^\n]*?(?= HTTP/\d|$)", re.MULTILINE)


def redact_query_strings(text: str) -> str:
    return QUERY_STRING.sub(REDACTED, text)


class QueryStringFilter(logging.Filter):
    """Rewrite a record's message with every query string removed (the record is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_query_strings(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with the query strings removed from its error log."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, QueryStringFilter) for f in self.error_log.filters):
            self.error_log.addFilter(QueryStringFilter())

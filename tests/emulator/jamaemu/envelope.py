"""Jama's JSON response envelope: ``meta`` / ``data`` / ``links``, paging and errors.

[DOC] Every answer carries ``meta.status`` (the reason phrase) and ``meta.timestamp``; lists add
``meta.pageInfo``; errors carry ``meta.message``; creates answer 201 with ``meta.id`` and ``meta.location``.
"""
import datetime
from http import HTTPStatus

# [DOC] maxResults defaults to 20 and cannot exceed 50.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def timestamp(epoch=None):
    """Jama's timestamp format, e.g. ``2015-10-28T22:33:16.524+0000``."""
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) if epoch is not None \
        else datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03d+0000' % (moment.microsecond // 1000)


def reason(status):
    return HTTPStatus(status).phrase


class ApiError(Exception):
    """An error answered in the documented envelope; never a stack trace."""

    def __init__(self, status, message, extra=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self):
        body = {'meta': {'status': reason(self.status), 'timestamp': timestamp(), 'message': self.message}}
        body.update(self.extra)
        return body


class Reply:
    """A response ready to be written: status, JSON body (or None) and extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def ok(data, status=200):
    return Reply(status, {'meta': {'status': reason(status), 'timestamp': timestamp()}, 'links': {}, 'data': data})


def created(new_id, location, data=None):
    body = {'meta': {'status': reason(201), 'timestamp': timestamp(), 'id': new_id, 'location': location},
            'links': {}}
    if data is not None:
        body['data'] = data
    return Reply(201, body, {'Location': location})


def no_content():
    return Reply(204)


def page_params(query):
    """Parse ``startAt`` / ``maxResults``; a value over 50 is capped, as Jama caps it."""
    try:
        start_at = int(query.get('startAt', 0))
        max_results = int(query.get('maxResults', DEFAULT_PAGE_SIZE))
    except ValueError:
        raise ApiError(400, 'startAt and maxResults must be integers') from None
    if start_at < 0 or max_results < 1:
        raise ApiError(400, 'startAt must be >= 0 and maxResults >= 1')
    return start_at, min(max_results, MAX_PAGE_SIZE)


def paged(items, query):
    start_at, max_results = page_params(query)
    window = items[start_at:start_at + max_results]
    body = {'meta': {'status': 'OK', 'timestamp': timestamp(),
                     'pageInfo': {'startIndex': start_at, 'resultCount': len(window),
                                  'totalResults': len(items)}},
            'links': {}, 'data': window}
    return Reply(200, body)


# What the contract's `pattern: '\S'` means for a name: JSON Schema patterns are ECMA-262 regular expressions, whose
# whitespace is this set. Python's str.strip() also strips the ASCII separators U+001C-U+001F, which ECMA-262 (and so
# the contract) counts as ordinary characters.
ECMA_WHITESPACE = ('\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'
                   '\u2028\u2029\u202f\u205f\u3000\ufeff')


def is_blank(text):
    """Whether a name has no character the contract's ``\\S`` pattern accepts."""
    return not text.strip(ECMA_WHITESPACE)

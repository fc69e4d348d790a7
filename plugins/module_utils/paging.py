# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jama's paging, which the modelled JCI API follows too: ``startAt``/``maxResults`` until ``totalResults``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors

PAGE_SIZE = 50  # Jama's maximum page size
MAX_PAGES = 200  # a guard: a server that misreports totalResults must not make us loop for ever


def fetch_all(session, path, params=None):
    """All items of a paged list, following ``meta.pageInfo``."""
    items = []
    start = 0
    for _page in range(MAX_PAGES):
        body = session.request('GET', path, params=dict(params or {}, startAt=start, maxResults=PAGE_SIZE))
        page = (body.get('data') if isinstance(body, dict) else None) or []
        items.extend(page)
        start += len(page)
        info = ((body.get('meta') or {}).get('pageInfo') or {}) if isinstance(body, dict) else {}
        if not page or start >= int(info.get('totalResults', 0)):
            return items
    raise errors.ApiError('%s returned more than %d pages; stopped' % (path, MAX_PAGES))

# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract every store of the engine keeps (plugin_utils/reconcile/record.py uses it), and the value
conversion the stores share. A store never imports the engine or another store."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors


class Store:
    """Where one environment's credential and the engine's record of unfinished work live.

    - ``read()``: a dict of what it holds (variable name -> value); {} when empty.
    - ``write(updates, remove=())``: one write of all of it (``updates`` set, ``remove`` dropped). Raises only
      errors.JamaConnectError subclasses; after a failed write the store may hold either version, and the next run
      copes with both.
    - ``confirm()``: raise errors.ConflictError if someone else wrote the store since this run's last read or write
      (called before any credential is deleted).
    - ``describe()``: how messages name it. ``write_hint``: the fix a failed write suggests.
    """

    write_hint = 'fix the cause and run again'

    def describe(self):
        raise NotImplementedError

    def read(self):
        raise NotImplementedError

    def write(self, updates, remove=()):
        raise NotImplementedError

    def confirm(self):
        """A store with one writer (the run whose inventory names it) has nothing to read back."""


def native(value, error=errors.ConfigurationError, where=''):
    """``value`` with plain Python types that yaml.safe_dump accepts, keeping its YAML type.

    Values from tasks are str subclasses (unsafe text before ansible-core 2.19, tagged values since) that
    safe_dump refuses and whose str() may return themselves; numbers, booleans, lists and mappings keep their
    type, so ``8080`` stays an integer and ``true`` a boolean."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        # str.__str__ on a str subclass returns an exact str copy, bypassing any override in the subclass.
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return dict((native(key, error, where), native(item, error, where)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [native(item, error, where) for item in value]
    raise error('a value of type %s cannot be stored%s' % (type(value).__name__, where))

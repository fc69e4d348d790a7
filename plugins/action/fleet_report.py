# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's files on the controller: each environment's entry written as its own fragment, then the four
views built from every fragment present (so slices of one fleet, each its own job, make one report). The dataset
and the views are plugin_utils/fleet/; this file is their I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import glob
import hashlib
import json
import os
import re
import tempfile

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.jama.connect.plugins.plugin_utils.fleet import dataset, page, views

FRAGMENTS = 'environments'
# The four views, each a pure function of the merged report.
# Shown at default verbosity, like the reconciler's one line per environment: where the page is.
display = Display()
VIEWS = (('json', 'report.json', views.as_json), ('csv', 'report.csv', views.as_csv),
         ('html', 'report.html', page.as_html), ('xml', 'report.xml', views.as_junit))


def fragment_name(environment):
    """A file name for an environment's fragment: its name made safe, and a hash of the real name, so two names that
    are made safe alike (``prod/eu``, ``prod eu``), or differ only in case on a case-insensitive disk, never share a
    file (the JSON inside keeps the real name)."""
    name = str(environment)
    safe = re.sub(r'[^A-Za-z0-9._-]', '_', name)[:80]
    digest = hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]
    return '%s%s-%s.json' % ('_' if safe.startswith('.') else '', safe, digest)


def write_atomically(path, text):
    """Readers (a browser, another slice) never see a half-written file: written beside it, then renamed."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.' + os.path.basename(path))
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class BadFragment(Exception):
    pass


def read_fragments(dest):
    entries = []
    for path in sorted(glob.glob(os.path.join(dest, FRAGMENTS, '*.json'))):
        try:
            with open(path, encoding='utf-8') as handle:
                entry = json.load(handle)
        except ValueError as error:
            raise BadFragment('%s is not a fragment of the report (%s): delete it, or run the report again for its '
                              'environment' % (path, error))
        entries.append(entry)
    return entries


def write_fragment(dest, entry):
    os.makedirs(os.path.join(dest, FRAGMENTS), exist_ok=True)
    path = os.path.join(dest, FRAGMENTS, fragment_name(entry['environment']))
    write_atomically(path, views.as_json(entry))
    return path


def build(dest, now=None, not_run=(), write=True):
    """The four views from every fragment in ``dest``: {view (json, csv, html, xml): path} and the report. ``not_run``: the play's
    environments that wrote no fragment (their task failed before), each first written as a row that says so.
    ``write``: false in check mode (nothing is written; the result says what would be)."""
    generated = (now or datetime.datetime.now(datetime.timezone.utc)).strftime('%Y-%m-%dT%H:%M:%SZ')
    missing = [dataset.not_run(environment, 'the report task of this environment failed before it observed it')
               for environment in not_run]
    if write:
        for entry in missing:
            write_fragment(dest, entry)
        missing = []
    report = dataset.merged(read_fragments(dest) + missing, generated)
    written = {}
    if write:
        os.makedirs(dest, exist_ok=True)
    for key, name, render in VIEWS:
        written[key] = os.path.join(dest, name)
        if write:
            write_atomically(written[key], render(report))
    return written, report


def fragment_of(dest, given, owner, write):
    """One environment's fragment, written (or, in check mode, where it would be)."""
    entry = dataset.entry_of(given, owner)
    path = write_fragment(dest, entry) if write else os.path.join(dest, FRAGMENTS, fragment_name(entry['environment']))
    return {'fragment': path, 'environment': entry}


def views_of(dest, not_run, write, this_play=None):
    """The four views built, and the page's path said at default verbosity. ``this_play``: the environments of this
    run, so the line says how many rows come from earlier runs or other slices (fragments in the directory)."""
    written, report = build(dest, not_run=not_run, write=write)
    summary = report['summary']
    earlier = [] if this_play is None else sorted(
        entry['environment'] for entry in report['environments'] if entry['environment'] not in set(this_play))
    display.display('The fleet report of %d environment(s) (%d healthy, %d needing action%s)%s: %s file://%s in a '
                    'browser; beside it report.json, report.csv and report.xml (JUnit)' % (
                        summary['environments'], summary['healthy'], summary['needs_action'],
                        ', %d not observed' % summary['not_observed'] if summary['not_observed'] else '',
                        ', %d of them from earlier runs or other slices (%s; see when each was observed)'
                        % (len(earlier), ', '.join(earlier)) if earlier else '',
                        'open' if write else 'check mode wrote nothing; the page would be', written['html']))
    return {'files': written, 'summary': summary,
            'needs_action': [{'environment': entry['environment'], 'conditions': entry['needs_action']}
                             for entry in report['environments'] if entry['needs_action']]}


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('dest', 'result', 'owner', 'not_run', 'play_hosts'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        dest = args.get('dest')
        given = args.get('result')
        if not dest or (given is not None and not isinstance(given, dict)):
            result.update(failed=True, msg='dest (a directory) is required, and result must be the registered result '
                          'of jama.connect.oauth_connector_reconcile with flow=report', reason='configuration',
                          heals_on_next_run=False, outcome='operator_must_act')
            return result
        if given is not None and not given.get('report_facts'):
            result.update(failed=True, msg='result is not the result of jama.connect.oauth_connector_reconcile with '
                          'flow=report (it has no report_facts)', reason='configuration', heals_on_next_run=False,
                          outcome='operator_must_act')
            return result
        dest = os.path.abspath(dest)
        write = not self._task.check_mode
        try:
            if given is not None:
                result.update(fragment_of(dest, given, args.get('owner'), write))
            else:
                this_play = self._environments(args.get('play_hosts'), task_vars) if 'play_hosts' in args else None
                result.update(views_of(dest, self._environments(args.get('not_run'), task_vars), write, this_play))
        except (OSError, BadFragment) as error:
            result.update(failed=True, msg='the report could not be written to %s (dest): %s' % (dest, error),
                          reason='report_not_written', heals_on_next_run=False, outcome='operator_must_act')
            return result
        # The files are the run's output, not a change to any system: never changed. In check mode nothing is written
        # (the role's report tasks run with check_mode: false: the report is what they are for).
        result.update(changed=False, dest=dest, outcome='converged', written=write)
        return result

    def _environments(self, hosts, task_vars):
        """The environment names of the play's hosts that wrote no fragment (oauth_connector_environment, else the
        host's name, as the role names them)."""
        found = []
        for host in hosts or []:
            given = ((task_vars or {}).get('hostvars') or {}).get(host) or {}
            name = given.get('oauth_connector_environment') if hasattr(given, 'get') else None
            found.append(str(self._templar.template(name)) if name else str(host))
        return found

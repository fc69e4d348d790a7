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
VIEWS = (('report.json', views.as_json), ('report.csv', views.as_csv), ('report.html', page.as_html),
         ('report.xml', views.as_junit))


def fragment_name(environment):
    """A file name for an environment's fragment: its name where that is a safe file name, else made safe (the JSON
    inside keeps the real name)."""
    safe = re.sub(r'[^A-Za-z0-9._-]', '_', str(environment))
    return ('_' + safe if safe.startswith('.') else safe) + '.json'


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


def read_fragments(dest):
    entries = []
    for path in sorted(glob.glob(os.path.join(dest, FRAGMENTS, '*.json'))):
        with open(path, encoding='utf-8') as handle:
            entries.append(json.load(handle))
    return entries


def build(dest, now=None):
    """The four views from every fragment in ``dest``: {file name: path} and the report."""
    generated = (now or datetime.datetime.now(datetime.timezone.utc)).strftime('%Y-%m-%dT%H:%M:%SZ')
    report = dataset.merged(read_fragments(dest), generated)
    written = {}
    for name, render in VIEWS:
        written[name] = os.path.join(dest, name)
        write_atomically(written[name], render(report))
    return written, report


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('dest', 'result', 'owner'))

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
        try:
            os.makedirs(os.path.join(dest, FRAGMENTS), exist_ok=True)
            if given is not None:
                entry = dataset.entry_of(given, args.get('owner'))
                path = os.path.join(dest, FRAGMENTS, fragment_name(entry['environment']))
                write_atomically(path, views.as_json(entry))
                result.update(fragment=path, environment=entry)
            else:
                written, report = build(dest)
                summary = report['summary']
                display.display('The fleet report of %d environment(s) (%d healthy, %d needing action): open file://%s '
                                'in a browser; beside it report.json, report.csv and report.xml (JUnit)' % (
                                    summary['environments'], summary['healthy'], summary['needs_action'],
                                    written['report.html']))
                result.update(files=written, summary=report['summary'],
                              needs_action=[{'environment': entry['environment'], 'conditions': entry['needs_action']}
                                            for entry in report['environments'] if entry['needs_action']])
        except OSError as error:
            result.update(failed=True, msg='the report could not be written to %s (dest): %s' % (dest, error),
                          reason='report_not_written', heals_on_next_run=False, outcome='operator_must_act')
            return result
        # The files are the run's output, not a change to any system: never changed, the same in check mode.
        result.update(changed=False, dest=dest, outcome='converged')
        return result

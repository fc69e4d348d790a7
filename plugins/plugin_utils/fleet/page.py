# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's HTML page: one self-contained file (its style and script inline, no font, image or request;
its Content-Security-Policy forbids any), readable without script, sortable and filterable with it. Every state is
a word as well as a colour. Rendered from the dataset (dataset.py) only; every value is escaped."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from html import escape as html_escape

from ansible_collections.jama.connect.plugins.plugin_utils.fleet.dataset import CONDITION_TYPES, printable


def escape(text):
    """Escaped for HTML, without the characters XML does not allow."""
    return html_escape(printable(text))


STYLE = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1d2330;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}#summary{font-size:1.1em;margin:.2em 0 .8em}
.count{font-weight:600}.ok-text{color:#1a7f37}.bad-text{color:#b42318}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dce3;padding:.45em .5em;text-align:left;
vertical-align:top}th{background:#f3f5f8;position:sticky;top:0}th button{font:inherit;font-weight:600;border:0;
background:none;cursor:pointer;padding:0}th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}.badge,.chip{display:inline-block;border-radius:.8em;
padding:.05em .6em;font-weight:600;white-space:nowrap}.badge.ok{background:#dafbe1;color:#1a7f37}
.badge.bad{background:#ffebe9;color:#b42318}.chip.bad{background:#ffebe9;color:#b42318;margin:0 .2em .2em 0}
.chip.na{background:#eef0f3;color:#555e6b}ul.fixes{margin:.3em 0 0 1.1em;padding:0;font-size:.92em}
.sub{color:#555e6b;font-size:.9em}code{font-size:.92em}label{display:inline-block;margin:.2em 0 .8em}
.warn{color:#8a5300;font-size:.92em;margin-top:.2em}.t{white-space:nowrap}footer{margin-top:1em;color:#555e6b;font-size:.9em}
"""

SCRIPT = """
(function () {
  var table = document.getElementById('fleet'), body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells, box = document.getElementById('needs-action-only');
  var shown = document.getElementById('shown');
  // The filter works only with script: without it the page shows every row and no control that does nothing.
  document.getElementById('filter').hidden = false;
  function key(row, i) { return row.cells[i].getAttribute('data-sort') || ''; }
  // Unknown values (N/A) sort last both ways.
  function compare(a, b, up) {
    if (a === b) { return 0; }
    if (a === '') { return 1; }
    if (b === '') { return -1; }
    var x = Number(a), y = Number(b), c = (!isNaN(x) && !isNaN(y)) ? x - y : a.localeCompare(b);
    return up ? c : -c;
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.querySelector('button').addEventListener('click', function () {
      var up = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) { return compare(key(a, i), key(b, i), up); });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  box.addEventListener('change', function () {
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = box.checked && row.getAttribute('data-needs-action') !== 'true';
      if (!row.hidden) { count += 1; }
    });
    shown.textContent = count;
  });
}());
"""

POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; connect-src 'none'"
HEADERS = (('environment', 'Environment'), ('health', 'Health'), ('conditions', 'Needs action (owner, fix)'),
           ('credential', 'Credential'), ('age', 'Age (days)'), ('last_used', 'Last used'),
           ('renewal', 'Rotation due'), ('connector', 'Connector auth'), ('test', 'Last JCI test'),
           ('auth_errors', 'Auth errors'), ('slots', 'Slots'), ('observed', 'Observed'))


def _na(value):
    return 'N/A' if value is None or value == '' else value


def _cell(text, sort=None, html=None):
    """A cell: its text escaped (or ready-made ``html``), and the value it sorts by."""
    sort = text if sort is None else sort
    shown = html if html is not None else escape(str(_na(text)))
    return '<td data-sort="%s">%s</td>' % (escape('' if sort is None else str(sort)), shown)


def _time(value):
    """A time cell that does not break at the date's hyphens."""
    return _cell(None, value or '', '<span class="t">%s</span>' % escape(_na(value)))


def _health(entry):
    if not entry['outcome']['observed']:
        return _cell(None, 2, '<span class="badge bad">Not observed</span>')
    if entry['healthy']:
        return _cell(None, 0, '<span class="badge ok">Healthy</span>')
    return _cell(None, 1, '<span class="badge bad">Needs action</span>')


def _conditions(entry):
    bad = [item for item in entry['conditions'] if item['type'] in entry['needs_action']]
    warnings = ''.join('<div class="warn">Warning: %s</div>' % escape(text) for text in entry['warnings'])
    if not bad:
        return _cell(None, '', '<span class="sub">none</span>' + warnings)
    chips = ''.join('<span class="chip bad" data-condition="%s">%s</span>' % (escape(item['type']), escape(item['type']))
                    for item in bad)
    # Ready's message repeats the other bad conditions' words: its fix is listed only when it is the only one.
    listed = [item for item in bad if item['type'] != 'Ready'] or bad
    fixes = ''.join('<li><b>%s</b>: %s. <span class="sub">Owner: %s. Fix: %s.</span></li>' % (
        escape(item['type']), escape(str(item['message'])), escape(str(item.get('owner'))),
        escape(str(item.get('remediation')))) for item in listed)
    return _cell(None, ' '.join(item['type'] for item in bad), chips + '<ul class="fixes">%s</ul>' % fixes + warnings)


def _connector(entry):
    connector = entry['connector']
    if not entry['outcome']['observed'] and not connector['exists']:
        return _cell('N/A', '')
    if not connector['exists']:
        return _cell(None, 'missing', '<span class="chip bad">missing</span>')
    kind = connector['authentication_type'] or 'N/A'
    word = {'oauth': 'OAuth', 'basic': 'Basic'}.get(kind, kind)
    return _cell(None, word, '<span class="chip bad">Basic</span>' if kind == 'basic' else escape(word))


def _test(entry):
    last = entry['connector']['last_test']
    if last['result'] is None:
        return _cell('none recorded' if entry['connector']['exists'] else None, '')
    word = '<span class="%s">%s</span>' % ('ok-text' if last['result'] == 'passed' else 'bad-text', last['result'])
    return _cell(None, '%s %s' % (last['result'], last['time']),
                 '%s <span class="sub t">%s</span>' % (word, escape(str(_na(last['time'])))))


def row(entry):
    credential = entry['credential']
    errors = entry['connector']['auth_errors']
    slots = entry['slots']
    owner = '<div class="sub">owner: %s</div>' % escape(entry['owner']) if entry['owner'] else ''
    cells = [
        _cell(None, entry['environment'], escape(str(entry['environment'])) + owner),
        _health(entry), _conditions(entry),
        _cell(None, credential['client_id'] or '', '<code>%s</code>' % escape(str(_na(credential['client_id'])))),
        _cell(credential['age_days']), _time(credential['last_used']), _time(credential['renewal_time']),
        _connector(entry), _test(entry),
        _cell(len(errors) if entry['connector']['exists'] else None, len(errors) if entry['connector']['exists'] else '',
              '<span class="bad-text">%d</span>' % len(errors) if errors else None),
        _cell('%s of %s' % (slots['used'], slots['limit']) if slots['used'] is not None else None,
              slots['used'] if slots['used'] is not None else ''),
        _time(entry['observed_at']),
    ]
    return '<tr data-environment="%s" data-needs-action="%s">%s</tr>' % (
        escape(str(entry['environment'])), 'true' if entry['needs_action'] else 'false', ''.join(cells))


def as_html(report):
    summary = report['summary']
    heads = ''.join('<th scope="col" aria-sort="none" data-key="%s"><button type="button">%s</button></th>'
                    % (key, escape(title)) for key, title in HEADERS)
    rows = ''.join(row(entry) for entry in report['environments'])
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="%s">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>jama.connect fleet report</title><style>%s</style></head><body>'
            '<header><h1>Jama Connect OAuth connectors: fleet report</h1>'
            '<p id="summary"><span class="count" id="total">%d</span> environment(s): '
            '<span class="count ok-text" id="healthy">%d</span> healthy, '
            '<span class="count bad-text" id="needs-action">%d</span> needing action (of which '
            '<span class="count" id="not-observed">%d</span> not observed). Generated <time>%s</time>.</p>'
            '<label id="filter" hidden><input type="checkbox" id="needs-action-only"> Show only environments that need '
            'action (<span id="shown">%d</span> shown)</label></header>'
            '<table id="fleet"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
            '<footer>Conditions: %s. Report schema %s v%s. Times are UTC (ISO 8601), by Jama\'s clock where observed.'
            '</footer><script>%s</script></body></html>\n') % (
        POLICY, STYLE, summary['environments'], summary['healthy'], summary['needs_action'],
        summary.get('not_observed', 0), escape(str(report['generated'])), summary['environments'], heads, rows,
        escape(', '.join(CONDITION_TYPES)), escape(report['schema']), report['schema_version'], SCRIPT)

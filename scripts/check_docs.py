"""Every plugin and role of the collection renders fully in ansible-doc (run with the synced collection on
ANSIBLE_COLLECTIONS_PATH). Prints one line per plugin; exits 1 if any has no description, options or examples,
a dict or list-of-dicts return value that does not say what it contains, old I() markup for options, or an action
plugin its module's documentation does not declare."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = {'modules': 'module', 'test': 'test', 'filter': 'filter', 'lookup': 'lookup'}


def plugins():
    for folder, kind in KINDS.items():
        path = os.path.join(ROOT, 'plugins', folder)
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith('.py') and name != '__init__.py':
                    yield kind, 'jama.connect.' + name[:-3]
    for name in sorted(os.listdir(os.path.join(ROOT, 'roles'))):
        yield 'role', 'jama.connect.' + name


def problems(kind, name):
    run = subprocess.run(['ansible-doc', '--json', '-t', kind, name], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return ['ansible-doc failed: %s' % run.stderr.strip()[-300:]]
    data = json.loads(run.stdout).get(name) or {}
    found = []
    if kind == 'role':
        for entry, spec in (data.get('entry_points') or {}).items():
            if not spec.get('short_description') or not spec.get('options'):
                found.append('entry point %s lacks a description or options' % entry)
        return found or ([] if data.get('entry_points') else ['no entry points'])
    doc = data.get('doc') or {}
    if not doc.get('description') or not doc.get('short_description'):
        found.append('no description')
    if kind == 'module' and not doc.get('options'):
        found.append('no options')
    if not data.get('examples'):
        found.append('no examples')
    if kind == 'module' and not data.get('return'):
        found.append('no return values')
    found.extend('return value %s does not say what it contains' % key for key in uncontained(data.get('return') or {}))
    if 'I(' in json.dumps(doc):
        found.append('uses I() for an option; use O()')
    short = name.split('.')[-1]
    if kind == 'module' and os.path.exists(os.path.join(ROOT, 'plugins', 'action', short + '.py')) \
            and 'action' not in (doc.get('attributes') or {}):
        found.append('has an action plugin but no action attribute')
    return found


def uncontained(returns, prefix=''):
    for key, value in returns.items():
        kind, elements = value.get('type'), value.get('elements')
        if (kind == 'dict' or (kind == 'list' and elements == 'dict')) and not value.get('contains'):
            yield prefix + key
        yield from uncontained(value.get('contains') or {}, prefix + key + '.')


def main():
    failed = 0
    for kind, name in plugins():
        found = problems(kind, name)
        print('%-7s %-40s %s' % (kind, name, 'ok' if not found else '; '.join(found)))
        failed += bool(found)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

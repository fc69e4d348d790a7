"""Judge the bad-input matrix run: every bad row failed with its fragment, no row crashed (no traceback in the
-vvv output), good rows passed, and nothing in the emulator changed (no state-changing call was made), nor in the
OpenBao server of the Vault rows (its audit log shows no write after the setup's)."""
import argparse
import json
import re
import sys
import urllib.request

CRASH = ('Traceback', 'MODULE FAILURE', 'Module failed:')
STATE_CHANGING = ('createMyApiCredential', 'createUserApiCredential', 'deleteMyApiCredential', 'deleteUserApiCredential',
                  'createConnector', 'updateConnector', 'deleteConnector', 'createIntegration', 'deleteIntegration',
                  'createCredentialType', 'updateCredentialType', 'deleteCredentialType', 'createCredential',
                  'updateCredential', 'deleteCredential')


def crash_text(text, message):
    """Signs of an escaped exception: a traceback, MODULE FAILURE, or (ansible-core 2.21, which hides tracebacks)
    'Module failed:' followed by anything but the module's own message."""
    found = [marker for marker in CRASH[:2] if marker in text]
    for line in text.splitlines():
        if 'Module failed: ' in line:
            after = line.split('Module failed: ', 1)[1].strip()
            if not message or not after.startswith(message.strip()[:40]):
                found.append(line.strip()[:200])
    return found


def sections(log):
    """The -vvv output of each case's task(s), by case key."""
    found = {}
    current = None
    for line in log.splitlines():
        match = re.match(r'^TASK \[.*?case (\d{3}c?) ', line)
        if match:
            current = 'case_' + match.group(1)
        elif line.startswith(('PLAY RECAP', 'TASK [Keep every result')):
            # Everything from a case's header to the next one is that case's: its own task, or the role's tasks
            # and the rescue that records the failure.
            current = None
        if current:
            found.setdefault(current, []).append(line)
    return dict((key, '\n'.join(lines)) for key, lines in found.items())


# Results that come from the collection's own code (Ansible's argument-spec validation runs before it for
# 'role+spec:' rows and the modules' own options, and carries no reason).
TYPED = ('jama.connect.oauth_connector_reconcile', 'role:')
OUTCOMES = ('heals_next_run', 'operator_must_act')


def vault_writes(audit_log, start):
    """The writes the audit log shows after its first ``start`` lines (a login or a token's own calls under auth/
    are not writes of a secret)."""
    found = []
    with open(audit_log, encoding='utf-8') as handle:
        for line in handle.readlines()[start:]:
            entry = json.loads(line)
            request = entry.get('request') or {}
            if entry.get('type') == 'request' and request.get('operation') in ('create', 'update', 'delete') \
                    and not request.get('path', '').startswith('auth/'):
                found.append('%s %s' % (request['operation'], request.get('path')))
    return sorted(set(found))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--expected', required=True)
    parser.add_argument('--results', required=True, action='append', help='each part\'s results (repeatable)')
    parser.add_argument('--log', required=True, action='append', help='each part\'s -vvv output (repeatable)')
    parser.add_argument('--vault-audit', help='the OpenBao server\'s audit log')
    parser.add_argument('--vault-audit-from', type=int, default=0, help='its lines before the matrix ran')
    args = parser.parse_args()
    with open(args.expected, encoding='utf-8') as handle:
        expected = json.load(handle)
    results, output = {}, {}
    for path in args.results:
        with open(path, encoding='utf-8') as handle:
            results.update(json.load(handle))
    for path in args.log:
        with open(path, encoding='utf-8', errors='replace') as handle:
            output.update(sections(handle.read()))
    with open(args.config, encoding='utf-8') as handle:
        admin_url = json.load(handle)['emulator_admin_url']
    problems = []
    for key, case in sorted(expected.items()):
        result = results.get(key) or {}
        message = str(result.get('msg', ''))
        where = '%s (%s: %s)' % (key, case['target'], case['label'])
        if case['fragment'] is None:
            if result.get('failed'):
                problems.append('%s should pass: %s' % (where, message[:300]))
        elif not result.get('failed'):
            problems.append('%s was accepted' % where)
        elif case['fragment'] not in message:
            problems.append('%s: expected %r in %r' % (where, case['fragment'], message[:400]))
        elif case['target'].startswith(TYPED) and (
                result.get('outcome') not in OUTCOMES or result.get('outcome') != (
                    'heals_next_run' if result.get('heals_on_next_run') else 'operator_must_act')
                or not result.get('reason')):
            # Typed outcomes: what the collection's own code refuses says, as data, whether the next run heals it.
            problems.append('%s: no typed outcome (reason %r, heals_on_next_run %r, outcome %r)' % (
                where, result.get('reason'), result.get('heals_on_next_run'), result.get('outcome')))
        crashed = crash_text(output.get(key, ''), message)
        if crashed:
            problems.append('%s printed %s' % (where, ', '.join(crashed)))
        if key not in output:
            problems.append('%s: no output found for it' % where)
    with urllib.request.urlopen(admin_url + '/requests', timeout=10) as response:
        calls = json.load(response)['data']
    changing = sorted(set(entry['operation'] for entry in calls if entry['operation'] in STATE_CHANGING))
    if changing:
        problems.append('the emulator state changed: %s' % ', '.join(changing))
    written = vault_writes(args.vault_audit, args.vault_audit_from) if args.vault_audit else []
    if written:
        problems.append('the Vault server was written to: %s' % ', '.join(written))
    if problems:
        print('BAD-INPUT MATRIX FAILED (%d problems):\n  %s' % (len(problems), '\n  '.join(problems)))
        return 1
    rows = len(set(key.rstrip('c') for key in expected))
    print('bad-input matrix: %d rows, %d runs (as is and in check mode), all refused or passed as expected, no '
          'crash, no change in the emulator%s' % (rows, len(expected), ' or in Vault' if args.vault_audit else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())

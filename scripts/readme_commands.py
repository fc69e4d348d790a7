"""Run the README's command blocks from a fresh clone, so every command it shows keeps working.

A ```sh block preceded by ``<!-- readme-test: NAME -->`` is run with bash, in order, in a fresh clone of this
repository's HEAD with an empty HOME (so nothing installed earlier on this machine helps):

- ``install``, ``demo`` and ``demo_openbao`` (the demo with prod's credential in OpenBao) run verbatim;
- ``environments`` runs against one emulator per environment of examples/inventory, whose endpoints and admin
  passwords are written the way ``make demo`` writes them; its ``--vault-id ID@prompt`` is answered from a
  password file, as a terminal user would type it.

The guide docs/automation-platform.md has blocks marked ``<!-- doc-test: NAME -->``, run after the README's (so the
collection is installed in the empty HOME, as a reader of the guide has it) against one emulator, with the
variables a job's credentials inject set from it: ``token`` (a controller token, then the credential types with
``-i localhost,``) and ``runner`` (a job through ansible-runner; run twice: the second changes nothing; then every
file both jobs left is searched for every secret the emulator issued).

The clone reuses this checkout's virtual environments (``make setup`` builds them on a fresh machine, as CI's
fresh clone proves); everything else comes from the clone. Unmarked blocks are left alone: ``make test`` (this
is part of it) and fragments that are not commands.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKED = re.compile(r'<!-- readme-test: (\w+) -->\s*```sh\n(.*?)```', re.S)
GUIDE_MARKED = re.compile(r'<!-- doc-test: (\w+) -->\s*```sh\n(.*?)```', re.S)
ENVIRONMENTS = ('dev', 'test', 'prod')
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


def blocks(readme, marked=MARKED):
    with open(readme, encoding='utf-8') as handle:
        return marked.findall(handle.read())


def run(name, script, cwd, env):
    print('--- readme block %r' % name)
    print('\n'.join('    $ ' + line for line in script.strip().splitlines()))
    completed = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    # ansible-runner colours its output whatever the environment says; a log keeps no terminal codes.
    completed.stdout = ANSI.sub('', completed.stdout)
    tail = '\n'.join(completed.stdout.strip().splitlines()[-15:])
    if completed.returncode != 0:
        print(completed.stdout[-6000:])
        raise SystemExit('README block %r failed with exit status %d' % (name, completed.returncode))
    print('\n'.join('      ' + line for line in tail.splitlines()))
    return completed.stdout


def prepare_environments(clone, work, env):
    """One emulator per example environment; endpoints and encrypted admin passwords as make demo writes them."""
    sys.path.insert(0, os.path.join(clone, 'tests', 'emulator'))
    from jamaemu import harness  # pylint: disable=import-outside-toplevel,import-error
    demo = os.path.join(work, 'environments')
    os.makedirs(os.path.join(demo, 'emulators'))
    os.symlink(os.path.join(clone, 'examples', 'inventory'), os.path.join(demo, 'inventory'))
    started = []
    for name in ENVIRONMENTS:
        workdir = os.path.join(demo, 'emulators', name)
        harness.start(workdir, ['--parent-pid', str(os.getpid())])
        started.append(workdir)
    subprocess.run([sys.executable, os.path.join(clone, 'scripts', 'demo_inventory.py'), demo] + list(ENVIRONMENTS),
                   check=True)
    password_file = os.path.join(work, 'vault-pass')
    with open(password_file, 'w', encoding='utf-8') as handle:
        handle.write('readme-commands\n')
    for name in ENVIRONMENTS:
        subprocess.run(['ansible-vault', 'encrypt', '--vault-id', '%s@%s' % (name, password_file),
                        os.path.join(clone, 'examples', 'inventory', 'group_vars', name, 'vault.yml')],
                       check=True, env=env, capture_output=True)
    return started, password_file, harness


def run_guide(clone, work, env):
    """The guide's marked blocks against one emulator, with what the job's credentials would inject."""
    sys.path.insert(0, os.path.join(clone, 'tests', 'emulator'))
    from jamaemu import harness  # pylint: disable=import-outside-toplevel,import-error
    from jamaemu.accounts import CONTROLLER_ADMIN, JAMA_ADMIN, JCI_ADMIN  # pylint: disable=import-outside-toplevel,import-error
    found = dict(blocks(os.path.join(clone, 'docs', 'automation-platform.md'), GUIDE_MARKED))
    if sorted(found) != ['runner', 'token']:
        raise SystemExit('docs/automation-platform.md: expected blocks marked doc-test: runner and token, found %r'
                         % sorted(found))
    workdir = os.path.join(work, 'guide-emulator')
    info = harness.start(workdir, ['--parent-pid', str(os.getpid())])
    try:
        jobs = os.path.join(work, 'guide-jobs')
        os.makedirs(jobs)
        guide_env = dict(env, TMPDIR=jobs, VAULT_PASSWORD='guide-vault-password',
                         CONTROLLER_HOST=info['controller_url'], CONTROLLER_USERNAME=CONTROLLER_ADMIN[0],
                         CONTROLLER_PASSWORD=CONTROLLER_ADMIN[1], CONTROLLER_CA_PATH=info['ca_file'],
                         JAMA_URL=info['jama_url'], JAMA_USERNAME=JAMA_ADMIN[0], JAMA_PASSWORD=JAMA_ADMIN[1],
                         JAMA_CA_PATH=info['ca_file'], JCI_URL=info['jci_url'], JCI_USERNAME=JCI_ADMIN[0],
                         JCI_PASSWORD=JCI_ADMIN[1], JCI_CA_PATH=info['ca_file'])
        output = run('guide: token', found['token'], clone, guide_env)
        if '[WARNING]' in output or not re.search(r'localhost +: ok=1 +changed=1 .*failed=0', output):
            raise SystemExit('guide block token: the credential types were not installed cleanly')
        first = run('guide: runner', found['runner'], clone, guide_env)
        second = run('guide: runner, again', found['runner'], clone, guide_env)
        if not re.search(r'jama-dev +: ok=1 +changed=1 .*failed=0', first):
            raise SystemExit('guide block runner: the first job did not configure the environment')
        if not re.search(r'jama-dev +: ok=1 +changed=0 .*failed=0', second):
            raise SystemExit('guide block runner: the second job changed something')
        checker = os.path.join(clone, 'tests', 'integration', 'targets', 'setup_jama', 'files', 'leak_check.py')
        leak = subprocess.run([sys.executable, checker, '--admin-url', info['admin_url'], jobs,
                               os.path.join(clone, 'credentials')], capture_output=True, text=True, check=False)
        print('      ' + leak.stdout.strip().replace('\n', '\n      '))
        if leak.returncode != 0:
            raise SystemExit('guide block runner: a secret was left in a job\'s files')
    finally:
        harness.stop(workdir)
    return ['guide: token', 'guide: runner (twice)']


def check_demo_hints(output, home):
    """The commands the demo prints for "a new shell" work in one: no PATH of ours, no variable of ours. Their
    output (a decrypted vault file) is checked, never printed."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.rstrip().endswith('in a new shell:'))
    hints = []
    for line in lines[start + 1:]:
        if not line.startswith('     '):
            break
        hints.append(line.strip())
    clean = {'HOME': home, 'PATH': '/usr/local/bin:/usr/bin:/bin', 'LANG': 'C.UTF-8'}
    completed = subprocess.run(['bash', '-euo', 'pipefail', '-c', '\n'.join(hints)], env=clean, text=True,
                               capture_output=True, check=False)
    if completed.returncode != 0 or 'jama_client_id:' not in completed.stdout:
        raise SystemExit('the demo\'s hint for a new shell failed (exit %d): %s\n%s'
                         % (completed.returncode, ' && '.join(hints), completed.stderr[-2000:]))
    print('      the demo\'s %d hint line(s) for a new shell work in a clean environment' % len(hints))


def main():
    work = tempfile.mkdtemp(prefix='readme-commands-')
    clone = os.path.join(work, 'clone')
    home = os.path.join(work, 'home')
    os.makedirs(home)
    subprocess.run(['git', 'clone', '--quiet', ROOT, clone], check=True)
    os.symlink(os.path.join(ROOT, '.venv'), os.path.join(clone, '.venv'))
    env = dict(os.environ, HOME=home, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               PATH=os.path.join(ROOT, '.venv', 'newest', 'bin') + os.pathsep + os.environ.get('PATH', ''))
    for variable in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG', 'PYTHONPATH'):
        env.pop(variable, None)
    found = blocks(os.path.join(clone, 'README.md'))
    names = [name for name, _script in found]
    for required in ('install', 'environments', 'demo'):
        if required not in names:
            raise SystemExit('README has no block marked readme-test: %s' % required)
    started, harness = [], None
    try:
        for name, script in found:
            if name == 'environments':
                started, password_file, harness = prepare_environments(clone, work, env)
                script = script.replace('@prompt', '@' + password_file)
                output = run(name, script, clone, env)
                if 'failed=0' not in output or re.search(r'failed=[1-9]', output):
                    raise SystemExit('README block environments: a host failed')
            else:
                output = run(name, script, clone, env)
                if name == 'demo':
                    check_demo_hints(output, home)
                if name == 'demo_openbao' and 'prod in OpenBao: secret/jama/prod version' not in output:
                    raise SystemExit('README block demo_openbao: the demo did not keep prod\'s credential in OpenBao')
    finally:
        if harness is not None:
            for workdir in started:
                harness.stop(workdir)
    names += run_guide(clone, work, env)
    shutil.rmtree(work, ignore_errors=True)
    print('readme commands: %d blocks ran from a fresh clone (%s)' % (len(names), ', '.join(names)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Run the README's command blocks from a fresh clone, so every command it shows keeps working.

A ```sh block preceded by ``<!-- readme-test: NAME -->`` is run with bash, in order, in a fresh clone of this
repository's HEAD with an empty HOME (so nothing installed earlier on this machine helps):

- ``install`` and ``demo`` run verbatim;
- ``environments`` runs against one emulator per environment of examples/inventory, whose endpoints and admin
  passwords are written the way ``make demo`` writes them; its ``--vault-id ID@prompt`` is answered from a
  password file, as a terminal user would type it.

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
ENVIRONMENTS = ('dev', 'test', 'prod')


def blocks(readme):
    with open(readme, encoding='utf-8') as handle:
        return MARKED.findall(handle.read())


def run(name, script, cwd, env):
    print('--- readme block %r' % name)
    print('\n'.join('    $ ' + line for line in script.strip().splitlines()))
    completed = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
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
                run(name, script, clone, env)
    finally:
        if harness is not None:
            for workdir in started:
                harness.stop(workdir)
    shutil.rmtree(work, ignore_errors=True)
    print('readme commands: %d blocks ran from a fresh clone (%s)' % (len(found), ', '.join(names)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

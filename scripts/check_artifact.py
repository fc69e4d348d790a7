"""Fail when the built collection carries development-only files or anything git ignores (caches, test output,
at any depth), lacks what users need, does not tell ansible-builder the Python packages an execution environment
needs, or when execution-environment.yml does not give ansible-builder a build context with this artifact.

    python scripts/check_artifact.py dist/jama-connect-X.Y.Z.tar.gz

Run it on an artifact built from the working tree after the suite ran, as make install builds it (make test's
build step does), so caches the suite left behind are in the tree it was built from.
"""
import os
import subprocess
import sys
import tarfile
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Paths (or path prefixes) that only the development of the collection needs.
DEVELOPMENT_ONLY = ('Makefile', 'scripts/', 'requirements/', '.gitignore', '.ansible-lint', 'benchmarks/', '.ci/',
                    'importer_result.json', 'extensions/molecule/', '.venv/', '.work/', 'tests/output/')
REQUIRED = ('README.md', 'COPYING', 'meta/runtime.yml', 'meta/execution-environment.yml', 'requirements.txt',
            'roles/oauth_connector/meta/argument_specs.yml', 'playbooks/configure.yml',
            'plugins/action/oauth_connector_reconcile.py', 'changelogs/changelog.yaml')


def main(path):
    with tarfile.open(path) as tarball:
        names = [name[2:] if name.startswith('./') else name for name in tarball.getnames()]

    def development_only(name):
        return any(name == prefix.rstrip('/') or name.startswith(prefix) for prefix in DEVELOPMENT_ONLY)

    ignored = git_ignored()
    unwanted = sorted(name for name in names if development_only(name) or name in ignored)
    missing = sorted(name for name in REQUIRED if name not in names)
    for name in unwanted:
        print('development-only or git-ignored file in the artifact: %s' % name)
    for name in missing:
        print('missing from the artifact: %s' % name)
    if unwanted or missing:
        return 1
    print('artifact: %d files, no development-only file, none that git ignores, nothing missing' % len(names))
    return check_execution_environment(path) or check_ee_definition(path)


def git_ignored():
    """Every file in the working tree that git ignores (caches, test output, virtual environments)."""
    listed = subprocess.run(['git', 'ls-files', '--others', '--ignored', '--exclude-standard', '-z'], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode('utf-8', 'surrogateescape')
    return set(name for name in listed.split('\0') if name)


def check_ee_definition(path):
    """execution-environment.yml names this artifact and the pinned ansible-core; ansible-builder create accepts it
    and writes a context holding the artifact and the collection's Python requirements."""
    with open(os.path.join(ROOT, 'execution-environment.yml'), encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        version = yaml.safe_load(handle)['version']
    with open(os.path.join(ROOT, 'requirements', 'newest.txt'), encoding='utf-8') as handle:
        core = next(line.strip() for line in handle if line.startswith('ansible-core=='))
    artifact = 'jama-connect-%s.tar.gz' % version
    problems = []
    if os.path.basename(path) != artifact:
        problems.append('the artifact is %s, galaxy.yml says %s' % (os.path.basename(path), artifact))
    if definition['dependencies']['ansible_core']['package_pip'] != core:
        problems.append('ansible_core is not %s (requirements/newest.txt)' % core)
    wanted = [item['name'] for item in definition['dependencies']['galaxy']['collections']]
    if wanted != ['/build/jama-connect/' + artifact]:
        problems.append('the galaxy requirement is %r, not this version\'s artifact' % wanted)
    with tempfile.TemporaryDirectory() as context:
        created = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-builder'), 'create',
                                  '-f', os.path.join(ROOT, 'execution-environment.yml'), '-c', context],
                                 capture_output=True, text=True, check=False)
        if created.returncode != 0 or 'No matches' in created.stdout + created.stderr:
            problems.append('ansible-builder create failed: %s' % (created.stdout + created.stderr)[-2000:])
        else:
            copied = os.path.join(context, '_build', 'jama-connect', artifact)
            if not os.path.isfile(copied) or os.path.getsize(copied) != os.path.getsize(path):
                problems.append('the build context does not hold %s' % artifact)
            with open(os.path.join(context, '_build', 'requirements.txt'), encoding='utf-8') as handle:
                if 'requests' not in handle.read():
                    problems.append('the build context\'s requirements.txt does not name requests')
    for problem in problems:
        print('execution-environment.yml: %s' % problem)
    if problems:
        return 1
    print('execution environment definition: ansible-builder create wrote a context with %s and requests' % artifact)
    return 0


def check_execution_environment(path):
    """Install the artifact and ask ansible-builder what an execution environment needs (no container engine)."""
    bin_dir = os.path.dirname(sys.executable)
    with tempfile.TemporaryDirectory() as target:
        subprocess.run([os.path.join(bin_dir, 'ansible-galaxy'), 'collection', 'install', '-p', target, path],
                       check=True, capture_output=True)
        found = subprocess.run([os.path.join(bin_dir, 'ansible-builder'), 'introspect', target], check=True,
                               capture_output=True, text=True).stdout
    if 'requests' not in found or 'from collection jama.connect' not in found:
        print('ansible-builder introspect does not list requests for jama.connect:\n%s' % found)
        return 1
    print('execution environment: ansible-builder introspect lists requests for jama.connect')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))

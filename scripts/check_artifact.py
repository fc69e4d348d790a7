"""Fail when the built collection carries development-only files, lacks what users need, or does not tell
ansible-builder the Python packages an execution environment needs.

    python scripts/check_artifact.py dist/jama-connect-X.Y.Z.tar.gz
"""
import os
import subprocess
import sys
import tarfile
import tempfile

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

    unwanted = sorted(name for name in names if development_only(name))
    missing = sorted(name for name in REQUIRED if name not in names)
    for name in unwanted:
        print('development-only file in the artifact: %s' % name)
    for name in missing:
        print('missing from the artifact: %s' % name)
    if unwanted or missing:
        return 1
    print('artifact: %d files, no development-only file, nothing missing' % len(names))
    return check_execution_environment(path)


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

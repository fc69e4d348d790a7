#!/usr/bin/env bash
# Create the two pinned virtual environments and the ansible-test pip stand-in. Idempotent: a venv is
# rebuilt only when its requirements file changes.
#   .venv/oldest  Python 3.11, the oldest ansible-core we claim (requirements/oldest.txt)
#   .venv/newest  Python 3.12, the newest ansible-core and the dev tools (requirements/newest.txt)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

find_python() {  # $1 = 3.11 or 3.12
    local candidate
    for candidate in "python$1" "$(pyenv root 2>/dev/null)/versions/$1"*/bin/python \
                     "${PYENV_ROOT:-$HOME/.pyenv}/versions/$1"*/bin/python /usr/bin/python"$1" /usr/local/bin/python"$1"; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$1'.split('.')))" 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "ERROR: Python $1 not found (looked for python$1 and pyenv versions)" >&2
    return 1
}

make_venv() {  # $1 = name, $2 = python version
    local venv=".venv/$1" requirements="requirements/$1.txt" stamp
    stamp="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [[ -f "$venv/.stamp" && "$(cat "$venv/.stamp")" == "$stamp" ]]; then
        echo "setup: $venv is up to date"
    else
        echo "setup: building $venv from $requirements"
        rm -rf "$venv"
        "$(find_python "$2")" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        echo "$stamp" > "$venv/.stamp"
    fi
    "$venv/bin/python" scripts/ansible_test_pip_standin.py
}

# Both at once: most of the time is downloading and unpacking wheels. Each one's output comes after both ended.
logs="$(mktemp -d)"
make_venv oldest 3.11 > "$logs/oldest" 2>&1 &
oldest=$!
make_venv newest 3.12 > "$logs/newest" 2>&1 &
newest=$!
status=0
wait "$oldest" || status=1
wait "$newest" || status=1
cat "$logs/oldest" "$logs/newest"
rm -rf "$logs"
[[ $status == 0 ]] || { echo "setup: building a virtual environment failed (its output is above)"; exit 1; }

# ansible-test makes this key pair on first use; make test runs two ansible-test integrations side by side, which
# would race to create it on a fresh machine. Made here the way ansible-test makes it (PEM, RSA header).
KEY="$HOME/.ansible/test/id_rsa"
if [[ ! -f "$KEY" || ! -f "$KEY.pub" ]]; then
    mkdir -p "$(dirname "$KEY")"
    rm -f "$KEY" "$KEY.pub"
    ssh-keygen -m PEM -q -t rsa -N '' -f "$KEY"
    sed -i 's/\(BEGIN\|END\) PRIVATE KEY/\1 RSA PRIVATE KEY/' "$KEY"
    echo "setup: ansible-test SSH key pair at $KEY"
fi

# community.hashi_vault, whose kv2 lookup the tests run against the secret the role keeps in OpenBao: it is not on
# PyPI alone, so it is taken from the ansible wheel (about 51 MB, once), into .work/collections.
COMMUNITY="$ROOT/.work/collections/ansible_collections/community/hashi_vault"
if [[ ! -f "$COMMUNITY/MANIFEST.json" ]]; then
    wheels="$(mktemp -d)"
    "$ROOT/.venv/newest/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps ansible==14.5.0 \
        -d "$wheels"
    "$ROOT/.venv/newest/bin/python" - "$wheels" "$ROOT/.work/collections" <<'PY'
import glob, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(sys.argv[1] + '/ansible-*.whl')[0])
wheel.extractall(sys.argv[2], [name for name in wheel.namelist()
                               if name.startswith('ansible_collections/community/hashi_vault/')])
PY
    rm -rf "$wheels"
    echo "setup: community.hashi_vault from the ansible 14.5.0 wheel in .work/collections"
fi

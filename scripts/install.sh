#!/usr/bin/env bash
# make install: build the collection from this checkout and install it where ansible finds it by default.
#   COLLECTIONS_PATH  where to install (default ~/.ansible/collections, one of ansible's default paths)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$ROOT/.venv/newest/bin:$PATH"
DIST="$ROOT/.work/dist"
TARGET="${COLLECTIONS_PATH:-$HOME/.ansible/collections}"
mkdir -p "$DIST" "$TARGET"
ansible-galaxy collection build --force --output-path "$DIST" "$ROOT" > /dev/null
ARTIFACT="$(ls -t "$DIST"/jama-connect-*.tar.gz | head -n 1)"
ansible-galaxy collection install --force -p "$TARGET" "$ARTIFACT" > /dev/null
echo "installed $(basename "$ARTIFACT") into $TARGET"
echo "ansible-core and requests for it: . $ROOT/.venv/newest/bin/activate"

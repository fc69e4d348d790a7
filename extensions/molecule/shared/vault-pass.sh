#!/bin/sh
# Vault password for the molecule scenarios' throw-away vault files (test only).
echo "${MOLECULE_VAULT_PASSWORD:-molecule-test-vault-password}"

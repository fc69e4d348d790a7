"""AWX's own "HashiCorp Vault Secret Lookup" credential plugin (awx-plugins-core, the code AWX runs at job launch)
reads the secret the role stored, with the inputs docs/automation-platform.md shows; and the two path mistakes that
give every job a 404 do here too (a secret path that repeats data/, API version v1).

    awx_lookup.py SERVER_JSON TOKEN_FILE SECRET_PATH EXPECTED_JSON
"""
import json
import sys

from awx_plugins.credentials import hashivault  # pylint: disable=import-error


def main(server_json, token_file, secret_path, expected_json):
    with open(server_json, encoding='utf-8') as handle:
        url = json.load(handle)['url']
    with open(token_file, encoding='utf-8') as handle:
        token = handle.read().strip()
    with open(expected_json, encoding='utf-8') as handle:
        expected = json.load(handle)['data']
    lookup = hashivault.hashivault_kv_plugin.backend
    # The inputs of the guide: the credential's URL, token and API version v2; the lookup's backend, path and key.
    for key in ('jama_client_id', 'jama_client_secret'):
        found = lookup(url=url, token=token, api_version='v2', secret_backend='secret', secret_path=secret_path,
                       secret_key=key)
        assert found == expected[key], key
    for mistake in ({'secret_backend': 'secret', 'secret_path': 'secret/data/' + secret_path, 'api_version': 'v2'},
                    {'secret_backend': 'secret', 'secret_path': secret_path, 'api_version': 'v1'}):
        try:
            lookup(url=url, token=token, secret_key='jama_client_secret', **mistake)
        except Exception as error:  # pylint: disable=broad-except
            # 404 for a token that may read anything there, 403 for one with only the documented policy.
            assert '404' in str(error) or '403' in str(error) or 'not present' in str(error), str(error)
        else:
            raise AssertionError('AWX read the secret with %s' % mistake)
    print('ok: AWX\'s HashiCorp Vault Secret Lookup reads jama_client_id and jama_client_secret from backend secret, '
          'path %s, API v2; a path that repeats data/ and API v1 fail' % secret_path)


if __name__ == '__main__':
    main(*sys.argv[1:])

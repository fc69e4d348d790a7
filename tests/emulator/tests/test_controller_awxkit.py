"""[DOC] AWX's own client, awxkit, unchanged against the emulated controller: it discovers the API, logs in with
a password and with a token, lists, creates, reads, pages through, updates and deletes credential types and
credentials as it does against AWX."""
import pytest
from awxkit import api
from awxkit.api.client import Connection
from awxkit.exceptions import Duplicate, Forbidden, Unauthorized

from helpers import CONTROLLER_ADMIN, CONTROLLER_AUDITOR, OAUTH_CLIENT_TYPE


def v2_for(emulator, **login):
    connection = Connection(emulator.controller_url, verify=emulator.ca_file)
    connection.login(**login)
    return api.Api(connection=connection, endpoint='/api/').get().available_versions.v2.get()


@pytest.fixture
def v2(emulator):
    return v2_for(emulator, username=CONTROLLER_ADMIN[0], password=CONTROLLER_ADMIN[1])


def test_awxkit_discovers_the_api_and_finds_the_managed_types(v2):
    assert type(v2).__name__ == 'ApiV2'
    assert v2.me.get().results[0].username == CONTROLLER_ADMIN[0]
    assert {item.name for item in v2.credential_types.get(managed=True).results} == {'Machine', 'Vault'}


def test_awxkit_creates_a_type_and_a_credential_and_updates_its_inputs(emulator, v2):
    ctype = v2.credential_types.post(OAUTH_CLIENT_TYPE)
    assert type(ctype).__name__ == 'CredentialType' and ctype.kind == 'cloud'
    org = v2.organizations.get(name='Default').results[0]
    cred = v2.credentials.post({'name': 'prod', 'organization': org.id, 'credential_type': ctype.id,
                                'inputs': {'url': 'https://jama', 'client_id': 'id-1', 'client_secret': 'awxkit-s1'}})
    assert type(cred).__name__ == 'Credential'
    assert cred.inputs['client_secret'] == '$encrypted$'
    assert cred.related.credential_type.get().name == OAUTH_CLIENT_TYPE['name']
    assert cred.summary_fields.organization.name == 'Default'
    cred = cred.patch(inputs={'url': 'https://jama', 'client_id': 'id-2', 'client_secret': 'awxkit-s2'})
    assert cred.inputs['client_id'] == 'id-2'
    assert emulator.admin('GET', '/controller/credentials/%d/inputs' % cred.id)['client_secret'] == 'awxkit-s2'
    found = v2.credentials.get(name='prod', credential_type=ctype.id)
    assert found.count == 1 and found.results[0].id == cred.id
    with pytest.raises(Duplicate):
        v2.credentials.post({'name': 'prod', 'organization': org.id, 'credential_type': ctype.id,
                             'inputs': {'url': 'u', 'client_id': 'i', 'client_secret': 's'}})
    cred.delete()
    assert v2.credentials.get(name='prod').count == 0


def test_awxkit_pages_through_every_credential(v2):
    ctype = v2.credential_types.post(OAUTH_CLIENT_TYPE)
    for index in range(30):
        v2.credentials.post({'name': 'c%02d' % index, 'organization': 1, 'credential_type': ctype.id,
                             'inputs': {'url': 'u', 'client_id': 'i', 'client_secret': 's%d' % index}})
    everything = v2.credentials.get(all_pages=True)
    assert everything.count == 30 and len(everything.results) == 30
    second = v2.credentials.get(page_size=10).go_to_next()
    assert [item.name for item in second.results] == ['c%02d' % index for index in range(10, 20)]


def test_awxkit_logs_in_with_a_token_and_is_refused_without_rights(emulator, v2):
    token = v2.tokens.post({'description': 'jama.connect', 'scope': 'write'}).token
    assert v2_for(emulator, token=token).me.get().results[0].username == CONTROLLER_ADMIN[0]
    auditor = v2_for(emulator, username=CONTROLLER_AUDITOR[0], password=CONTROLLER_AUDITOR[1])
    with pytest.raises(Forbidden):
        auditor.credential_types.post(OAUTH_CLIENT_TYPE)
    with pytest.raises(Unauthorized):
        v2_for(emulator, username=CONTROLLER_ADMIN[0], password='wrong-password').me.get()

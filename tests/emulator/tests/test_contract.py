"""The emulator checked against docs/api-contract.yaml with schemathesis.

Every operation is exercised with generated valid and invalid input; each answer must match the documented
status codes, content type and schemas, and never be a server error.
"""
import base64
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from helpers import JCI_ADMIN, SERVICE
from jamaemu.pytest_plugin import start_emulator, stop_emulator

CONTRACT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'docs', 'api-contract.yaml')
schema = schemathesis.openapi.from_path(CONTRACT)


@pytest.fixture(scope='module')
def contract_emulator():
    # Its own emulator, plain HTTP and no rate limit, so generated traffic neither trips 429 nor
    # disturbs the shared one.
    handle = start_emulator(['--http', '--rate-limit', '0'])
    yield handle
    stop_emulator(handle)


@schema.auth()
class EmulatorAuth:
    """Seeded credentials per system; schemathesis leaves them off when it tests a missing header."""

    def get(self, case, context):
        return 'jci' if case.path.startswith('/api/') else 'jama'

    def set(self, case, data, context):
        user, password = JCI_ADMIN if data == 'jci' else SERVICE
        token = base64.b64encode(('%s:%s' % (user, password)).encode()).decode()
        case.headers = dict(case.headers or {}, Authorization='Basic ' + token)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_emulator_conforms_to_the_contract(case, contract_emulator):  # pylint: disable=redefined-outer-name
    base_url = contract_emulator.jci_url if case.path.startswith('/api/') else contract_emulator.jama_url
    case.call_and_validate(base_url=base_url)

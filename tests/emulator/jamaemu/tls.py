"""A throw-away certificate authority and a server certificate for 127.0.0.1 and localhost (trustme)."""
import os
import ssl

import trustme


def make_server_context(directory):
    """Write ``ca.pem`` into ``directory`` for clients and return the servers' SSL context."""
    authority = trustme.CA(organization_name='jama.connect emulator')
    certificate = authority.issue_cert('127.0.0.1', 'localhost')
    ca_file = os.path.join(directory, 'ca.pem')
    authority.cert_pem.write_to_path(ca_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    certificate.configure_cert(context)
    return context, ca_file

"""What the automation controller does with a credential before a job, after AWX's injector logic: write the file
injectors into the job's directory, then render the env and extra_vars injectors with Jinja over the inputs (and
``tower.filename``). Shared by the unit test of the credential types and the ansible-runner integration target."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from jinja2.sandbox import ImmutableSandboxedEnvironment


def render(credential_type, inputs, directory):
    jinja = ImmutableSandboxedEnvironment()
    injectors = credential_type['injectors']
    filenames = {}
    for key, template in (injectors.get('file') or {}).items():
        path = os.path.join(str(directory), '%s-%s' % (credential_type['name'].replace(' ', '_'),
                                                       key.replace('template.', 'file-')))
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(jinja.from_string(template).render(**inputs))
        os.chmod(path, 0o600)
        filenames[key.split('.', 1)[1]] = path
    context = dict(inputs, tower={'filename': filenames})
    env = dict((key, jinja.from_string(value).render(**context)) for key, value in (injectors.get('env') or {}).items())
    extra = dict((key, jinja.from_string(value).render(**context))
                 for key, value in (injectors.get('extra_vars') or {}).items())
    return env, extra

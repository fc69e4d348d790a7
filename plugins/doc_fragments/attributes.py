# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/jama.connect.jama) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.jama
'''

    INFO = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details: This module only reads.
  action_group:
    description: Use C(group/jama.connect.jama) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.jama
'''

    JCI = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/jama.connect.jci) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.jci
'''

    JCI_READ = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: This module changes nothing; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details: This module changes nothing.
  action_group:
    description: Use C(group/jama.connect.jci) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.jci
'''

    CONTROLLER = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/jama.connect.controller) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.controller
'''

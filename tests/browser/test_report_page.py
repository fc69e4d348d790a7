"""The fleet report's HTML page in a real browser (Debian's Chromium through Playwright): a seeded fleet holding every
condition (tests/unit/plugins/plugin_utils/fleet_seed.py), one row per environment, each bad condition shown as a
word, sorting and the "needs action" filter, no script error, no request at all, no secret in the DOM, and a
screenshot kept for people to look at."""
import os

from ansible_collections.jama.connect.plugins.action.fleet_report import build, fragment_name, write_atomically
from ansible_collections.jama.connect.plugins.plugin_utils.fleet import dataset, views
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.fleet_seed import SCENARIOS, seed_fleet

from page_shot import Visit  # pylint: disable=import-error

ARTIFACTS = os.environ.get('JAMA_CONNECT_ARTIFACTS') or os.path.join(os.getcwd(), 'test-artifacts')


def test_the_page_of_a_fleet_with_every_condition(browser, emulator, tmp_path):
    results, secrets = seed_fleet(emulator, tmp_path / 'fleet')
    dest = str(tmp_path / 'report')
    os.makedirs(os.path.join(dest, 'environments'))
    for result in results.values():
        entry = dataset.entry_of(result)
        write_atomically(os.path.join(dest, 'environments', fragment_name(entry['environment'])), views.as_json(entry))
    _paths, report = build(dest)
    visit = Visit(browser, os.path.join(dest, 'report.html'))
    page = visit.page
    names = [name for name, _options, _act in SCENARIOS]
    # One row per environment, sorted by name as built.
    assert visit.visible_rows() == sorted(names)
    # Each bad condition visible, as a word, in its environment's row; healthy rows say so.
    for entry in report['environments']:
        row = page.locator('#fleet tbody tr[data-environment="%s"]' % entry['environment'])
        text = row.inner_text()
        for kind in entry['needs_action']:
            chip = row.locator('[data-condition="%s"]' % kind)
            assert chip.is_visible() and chip.inner_text() == kind
        badge = 'Healthy' if entry['healthy'] else 'Not observed' if not entry['outcome']['observed'] else 'Needs action'
        assert row.locator('.badge').inner_text() == badge
    summary = report['summary']
    assert page.locator('#needs-action').inner_text() == str(summary['needs_action']) == '12'
    assert page.locator('#not-observed').inner_text() == '1'
    assert page.locator('#healthy').inner_text() == str(summary['healthy']) == '2'
    # Sorting: by age, descending after two clicks; by environment, back to names.
    age = page.locator('th[data-key="age"] button')
    age.click()
    age.click()
    assert page.locator('th[data-key="age"]').get_attribute('aria-sort') == 'descending'
    assert visit.visible_rows()[0] == 'expired'
    page.locator('th[data-key="environment"] button').click()
    assert visit.visible_rows() == sorted(names)
    # The filter: only the environments that need action, then all again.
    page.locator('#needs-action-only').check()
    needing = sorted(entry['environment'] for entry in report['environments'] if entry['needs_action'])
    assert visit.visible_rows() == needing and page.locator('#shown').inner_text() == str(len(needing))
    os.makedirs(ARTIFACTS, exist_ok=True)
    visit.screenshot(os.path.join(ARTIFACTS, 'fleet-report-needs-action.png'))
    page.locator('#needs-action-only').uncheck()
    assert len(visit.visible_rows()) == len(names)
    shot = visit.screenshot(os.path.join(ARTIFACTS, 'fleet-report-seeded.png'))
    assert os.path.getsize(shot) > 10000
    # No script error, no request but the page, no secret in the DOM.
    dom = page.content()
    visit.close()
    assert visit.errors == [] and visit.requests == []
    assert [secret for secret in secrets if secret in dom] == []

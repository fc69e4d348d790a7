"""Remake docs/fleet-report.png from the demo's report page, with the browser test's own code (tests/browser/page_shot.py)
and Debian's Chromium:  make demo && .venv/newest/bin/python scripts/report_screenshot.py"""
import argparse
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'browser'))

from conftest import CHROMIUM_FLAGS, INSTALL  # noqa: E402 pylint: disable=wrong-import-position,import-error
from page_shot import Visit  # noqa: E402 pylint: disable=wrong-import-position,import-error
from playwright.sync_api import sync_playwright  # noqa: E402 pylint: disable=wrong-import-position,import-error


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('page', nargs='?', default=os.path.join(ROOT, '.work', 'demo', 'report', 'report.html'))
    parser.add_argument('--out', default=os.path.join(ROOT, 'docs', 'fleet-report.png'))
    args = parser.parse_args()
    chromium = shutil.which('chromium')
    if chromium is None:
        sys.exit('Chromium is not installed: ' + INSTALL)
    if not os.path.exists(args.page):
        sys.exit('%s does not exist: run make demo first' % args.page)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                                args=CHROMIUM_FLAGS, viewport={'width': 1500, 'height': 600})
        visit = Visit(context, args.page)
        visit.screenshot(args.out)
        visit.close()
        context.close()
    if visit.errors or visit.requests:
        sys.exit('the page had script errors %s or requests %s' % (visit.errors, visit.requests))
    print('wrote %s' % args.out)


if __name__ == '__main__':
    main()

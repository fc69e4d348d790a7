"""Open a fleet report page in Chromium, record what happened, and save a screenshot: the browser test's own code,
also used by scripts/report_screenshot.py to remake docs/fleet-report.png from the demo's page."""
import pathlib


class Visit:
    """One page opened with every request refused but the page itself, and every script error recorded."""

    def __init__(self, context, path):
        self.url = pathlib.Path(path).resolve().as_uri()
        self.requests = []
        self.errors = []
        self.page = context.new_page()
        self.page.on('pageerror', lambda error: self.errors.append(str(error)))
        self.page.on('console', lambda message: self.errors.append(message.text) if message.type == 'error' else None)
        self.page.route('**/*', self._route)
        self.page.goto(self.url)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def visible_rows(self):
        return [row.get_attribute('data-environment') for row in self.page.locator('#fleet tbody tr').all()
                if row.is_visible()]

    def screenshot(self, path):
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.page.close()

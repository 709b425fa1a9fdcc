"""Accessibility checks in the browser: axe-core run on a Playwright page.

axe-core is vendored beside this file (tests/e2e/vendor/, with its licence): only the tests use
it, so it is never collected with the static files that users download.
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Runs axe on the whole document and keeps what a report needs. Tap-target size (WCAG 2.2 AA,
# 24 px) is off in axe by default: our users are older people on small phones, so it is on.
RUN_AXE = """async () => {
  const results = await axe.run(document, {
    resultTypes: ["violations"],
    rules: {"target-size": {enabled: true}},
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(node => node.target.join(" ")),
  }));
}"""


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    """The page's axe violations of the given impacts: [{id, impact, help, targets}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag added to the page would be an
        # inline script, which the site's Content-Security-Policy blocks.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return [violation for violation in page.evaluate(RUN_AXE) if violation["impact"] in impacts]


def describe(violations: list[dict], limit: int = 5) -> str:
    """One line per violation (rule id, impact, what it asks), then the selectors of the first
    `limit` elements at fault."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        targets = violation["targets"]
        lines.extend(f"      {target}" for target in targets[:limit])
        if len(targets) > limit:
            lines.append(f"      … and {len(targets) - limit} more")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fails, naming each rule and element, when axe finds a serious or critical violation."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"

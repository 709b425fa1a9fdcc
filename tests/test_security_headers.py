"""Every page carries a Content-Security-Policy that allows no inline script or style, and a
Permissions-Policy that switches off the browser features no page uses. The templates hold no
inline script, style attribute or on… handler, which the policy would block."""

import re

from django.conf import settings
from django.urls import reverse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.strip() for part in (part.strip() for part in header.split(";")) if part}


def test_a_page_has_the_content_security_and_permissions_policies(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == directives(CSP)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_signed_in_page_has_them_too(client, province_staff):
    client.force_login(province_staff)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == directives(CSP)
    assert "camera=()" in response.headers["Permissions-Policy"]


# <script> with a body (a src-less script; json_script's type="application/json" data is not
# run, so it is allowed), <style> blocks, style="…" attributes and onclick=…-style handlers.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE),
    "style block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "inline handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code(text: str) -> list[str]:
    return [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {name} {match.group(0).strip()!r}"
        for name, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]


def test_the_templates_hold_no_inline_script_style_or_handler():
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    assert len(templates) > 50

    found = {
        str(path.relative_to(settings.BASE_DIR)): problems
        for path in templates
        if (problems := inline_code(path.read_text(encoding="utf-8")))
    }

    assert found == {}


def test_the_template_check_finds_each_kind():
    page = (
        '<script>alert(1)</script><style>p{}</style><div style="width: 3%">'
        '<button onclick="print()"><a href="javascript:void(0)">'
        '<script src="/static/js/x.js"></script><script id="d" type="application/json">{}</script>'
    )

    assert [problem.split(" '")[0] for problem in inline_code(page)] == [
        "line 1: inline script",
        "line 1: style block",
        "line 1: style attribute",
        "line 1: inline handler",
        "line 1: javascript: URL",
    ]

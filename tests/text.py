"""Messages as the pages show them: the personas' language is Vietnamese, so a test that looks
for a message in a page or a file compares it with its Vietnamese translation."""

from django.utils import translation
from django.utils.html import escape


def vi(message, **params) -> str:
    """The message (a string or a lazy one) in Vietnamese, with its %(name)s params filled in."""
    with translation.override("vi"):
        text = str(translation.gettext(message)) if isinstance(message, str) else str(message)
        return text % params if params else text


def vi_html(message, **params) -> str:
    """The same, escaped as a template writes it into HTML."""
    return escape(vi(message, **params))

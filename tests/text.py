"""Messages as the pages show them: the personas' language is Vietnamese, so a test that looks
for a message in a page or a file compares it with its Vietnamese translation."""

from django.utils import translation
from django.utils.html import escape


def vi(message, *, context: str | None = None, **params) -> str:
    """The message (a string or a lazy one) in Vietnamese, with its %(name)s params filled in;
    `context` for a message marked with one (pgettext, {% translate … context … %})."""
    with translation.override("vi"):
        if not isinstance(message, str):
            text = str(message)
        elif context:
            text = translation.pgettext(context, message)
        else:
            text = translation.gettext(message)
        return text % params if params else text


def vi_html(message, *, context: str | None = None, **params) -> str:
    """The same, escaped as a template writes it into HTML."""
    return escape(vi(message, context=context, **params))

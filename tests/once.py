"""Posting forms that write money (core.forms.OnceForm) as a browser does: with the one-time
token the page gave them, and for a sheet the version of the books it was opened at."""

import uuid


def sent_once(data: dict) -> dict:
    """`data` with a new token, as a freshly shown form sends it."""
    return {**data, "token": str(uuid.uuid4())}


def as_shown(form) -> dict:
    """The token and version a shown form carries (response.context["form"])."""
    data = {"token": str(form["token"].value())}
    if "version" in form.fields:
        data["version"] = str(form["version"].value())
    return data

"""The fields a page's form sends when it is submitted as shown: read from the page's HTML, as a
browser reads it (hidden tokens and versions included), so a test posts what a real user would."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value or "") for name, value in attrs}
        if tag == "form":
            self._form = {
                "action": attributes.get("action", ""),
                "method": attributes.get("method", "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._form["fields"].append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in attributes:
            self._select, self._select_first = name, None
            self._form["fields"].append((name, None))
        elif tag == "option" and self._select is not None:
            self._option = attributes
            value = attributes.get("value")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                self._set_select(value)
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea = name
            self._form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)
        elif self._option is not None and "value" not in self._option and self._select is not None:
            self._option["value"] = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            # A single select with nothing selected sends its first option, as a browser does.
            if self._form is not None:
                fields = self._form["fields"]
                for index in range(len(fields) - 1, -1, -1):
                    if fields[index] == (self._select, None):
                        fields[index] = (self._select, self._select_first or "")
                        break
            self._select = None

    def _set_select(self, value):
        fields = self._form["fields"]
        for index in range(len(fields) - 1, -1, -1):
            if fields[index][0] == self._select:
                if fields[index][1] is None:
                    fields[index] = (self._select, value)
                else:  # a multiple select: each selected option is sent
                    fields.append((self._select, value))
                return


def posted_form(html: str, action: str) -> dict[str, list[str]]:
    """The fields of the page's POST form that is sent to `action` (with any query, or to the page itself)."""
    reader = _FormReader()
    reader.feed(html)
    candidates = [
        form for form in reader.forms if form["method"] == "post" and form["action"].partition("?")[0] in {"", action}
    ]
    assert candidates, f"no POST form to {action} on the page"
    fields: dict[str, list[str]] = {}
    for name, value in max(candidates, key=lambda form: len(form["fields"]))["fields"]:
        fields.setdefault(name, []).append(value or "")
    return fields

"""The month-end users of the load test (bench/loadtest.py starts Locust with this file).

- Chairs: each takes the next club of the plan (a club once, so that every report is submitted
  once), signs in (the login form, or a session opened earlier that day), opens the home page and
  the month's report (starting it when the club has none yet), types it in with a few autosaves as
  report_form.js posts them, checks it (the confirm page) and sends it, opens the report, signs
  out, and goes on with the next club.
- Treasurers: the same with the club's meeting sheets: the collection sheet saved as shown (each
  borrower paying what is due), then the contributions sheet saved as shown (each member paying
  the club's usual contributions).
- Staff: sign in once, then open the targets dashboard now and then.

The plan (accounts, addresses, think time) comes from the JSON file named by LOADTEST_PLAN; what
each user saw saved goes, one JSON line each, to LOADTEST_RECORD, from which the runner checks the
database afterwards. Any answer other than the one expected fails the request (Locust counts it)
and ends that user's round.
"""

import contextlib
import html
import itertools
import json
import os
import random
import re
import time
from collections.abc import Iterator
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task
from locust.exception import RescheduleTask

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
_record_file = Path(os.environ["LOADTEST_RECORD"]).open("a", encoding="utf-8")  # noqa: SIM115 — open for the run

# Each account is used by one virtual user only: the users of a kind share one iterator.
_pools: dict[str, Iterator[dict]] = {kind: iter(PLAN[kind]) for kind in ("chairs", "treasurers", "staff")}
_exhausted: set[str] = set()

# What a chair types in each area she has not filled yet (safe under the report's rules: no
# counts of people, which may not pass the club's members, and no home-care visits, which are
# checked against the volunteers); None: "no activity this month".
AREA_INPUT = {
    "income": {"advice_sessions": "1"},
    "health": {"health_talks": "2", "exercise_sessions": "4"},
    "home_care": None,
    "self_help": {"cases_helped": "1", "value_helped": "500.000"},
    "rights": None,
    "learning": {"sessions": "1", "attendance": "12"},
    "culture": {"performances": "1"},
    "resources": {"member_fees": "300.000"},
}
TOPICS = "Sinh hoạt định kỳ, thu góp quỹ, thu hồi vốn vay"

_FIELD = re.compile(r"<(input|textarea)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_TEXTAREA_END = re.compile(r"</textarea>", re.IGNORECASE)


def record(kind: str, **data: object) -> None:
    _record_file.write(json.dumps({"kind": kind, "at": time.time(), **data}) + "\n")
    _record_file.flush()


@events.request.add_listener
def _failed(request_type, name, exception=None, **_kwargs):
    if exception is not None:
        record("failure", request=f"{request_type} {name}", error=str(exception)[:500])


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    record("spawned", users=user_count)


@events.test_stopping.add_listener
def _stopping(**_kwargs):
    record("stopping")


def fields(page: str) -> dict[str, str]:
    """The inputs and text areas of a page ({name: value}) as a browser would post them: a box
    only when ticked ("on"), a text area with its text. The pages' other forms (language, sign
    out) add only the CSRF token, which every form carries alike."""
    found: dict[str, str] = {}
    for match in _FIELD.finditer(page):
        attributes = {key.lower(): html.unescape(value or "") for key, value in _ATTRIBUTE.findall(match[2])}
        name = attributes.get("name")
        if not name or name in ("language", "next"):
            continue
        if match[1].lower() == "textarea":
            end = _TEXTAREA_END.search(page, match.end())
            found[name] = html.unescape(page[match.end() : end.start() if end else match.end()]).strip()
        elif attributes.get("type") == "checkbox":
            if "checked" in attributes:
                found[name] = attributes.get("value") or "on"
        elif attributes.get("type") not in ("submit", "button"):
            found[name] = attributes.get("value", "")
    return found


def redirect(response) -> str:
    """The path an answer redirects to ("" when it does not)."""
    return urlsplit((response.headers or {}).get("Location", "")).path


def amount(text: str) -> int:
    """An amount as the sheets show it ("1.234.000")."""
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else 0


def saved(response) -> str:
    """What is wrong with an autosave's answer ("" when it saved)."""
    return "" if json.loads(response.text or "{}").get("saved") else f"not saved: {(response.text or '')[:300]}"


class Failed(Exception):
    """An answer that was not the expected one: the request is failed, the round ends."""


class Member(FastHttpUser):
    """A user of the product over a browser-like session: cookies, the CSRF token of each page,
    and redirects followed one by one (each is a request of its own, as in a browser)."""

    abstract = True
    wait_time = between(*PLAN["think"])
    connection_timeout = network_timeout = 120.0
    csrf = ""

    def pause(self) -> None:
        """The person reading and typing between two requests. Locust may end the user here, never
        during a request: what the user saw saved is then all that was saved."""
        self.wait()

    def _send(self, method: str, url: str, name: str, expect: int, data=None, verify=None):
        """The request, failed (and the round ended) unless it answers `expect` and `verify(answer)`
        finds nothing wrong."""
        headers = {"Referer": self.host + url}
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.csrf, **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.request(
            method, url, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                problem = f"{response.status_code} instead of {expect} {redirect(response)}".strip()
            else:
                problem = verify(response) if verify else ""
            if problem:
                response.failure(problem)
                raise Failed(name)
            text = response.text or ""
            if expect == 200 and "csrfmiddlewaretoken" in text:
                self.csrf = fields(text).get("csrfmiddlewaretoken", self.csrf)
            return response

    def page(self, url: str, name: str) -> str:
        return self._send("GET", url, name, 200).text or ""

    def post(self, url: str, data: dict[str, str], name: str, to: str) -> str:
        """A form that redirects to `to` when it was saved (its page again when refused); returns `to`."""

        def there(response) -> str:
            return "" if redirect(response) == to else f"led to {redirect(response) or 'no redirect'} instead of {to}"

        self._send("POST", url, name, 302, data, there)
        return to

    def sign_in(self, account: dict) -> None:
        """Through the login form (its password checked as production hashes it), or with the
        session the runner opened for the account (someone still signed in from earlier)."""
        self.client.cookiejar.clear()
        self.csrf = ""
        if account["session"]:
            session = Cookie(
                version=0,
                name="sessionid",
                value=account["session"],
                port=None,
                port_specified=False,
                domain=urlsplit(self.host).hostname or "",
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=True,
                comment=None,
                comment_url=None,
                rest={},
            )
            self.client.cookiejar.set_cookie(session)
        else:
            self.page(PLAN["login"], "login page")
            self.pause()
            credentials = {"username": account["username"], "password": PLAN["password"]}
            self.post(PLAN["login"], credentials, "login", to=PLAN["home"])
        self.page(PLAN["home"], "home")

    def sign_out(self) -> None:
        self.post(PLAN["logout"], {}, "logout", to=PLAN["login"])

    def next_account(self, kind: str) -> dict | None:
        account = next(_pools[kind], None)
        if account is None and kind not in _exhausted:
            _exhausted.add(kind)
            record("exhausted", pool=kind)
        return account

    def round(self, kind: str, work) -> None:
        """One account's visit: sign in, `work`, sign out; a failed answer ends it (counted)."""
        account = self.next_account(kind)
        if account is None:
            # Every club of the plan has had its visit: this user waits out the run.
            self.wait()
            raise RescheduleTask()
        started = time.time()
        try:
            self.sign_in(account)
            self.pause()
            work(account, started)
            self.pause()
            self.sign_out()
        except Failed:
            pass


class Chair(Member):
    weight = PLAN["weights"]["chairs"]

    @task
    def report(self) -> None:
        self.round("chairs", self._report)

    def _report(self, account: dict, started: float) -> None:
        edit = account["edit"]
        if account["start"]:
            self.post(account["start"], {}, "report start", to=edit)
        values = fields(self.page(edit, "report form"))
        version = values["version"]
        device = f"load-{account['club']}-{random.randrange(10**9)}"
        for names in self._typing(values):
            self.pause()
            data = {"autosave": "1", "partial": "1", "version": version, "device": device}
            for name, typed in names.items():
                data[name], data["base:" + name] = typed, values.get(name, "")
            answer = self._send("POST", edit, "report autosave", 200, data, saved)
            version = str(json.loads(answer.text)["version"])
            values.update(names)
        self.pause()
        inputs = {name: value for name, value in values.items() if name not in ("csrfmiddlewaretoken", "version")}
        check = {**inputs, "version": version, "device": device, "action": "review"}
        check |= {"base:" + name: value for name, value in inputs.items() if name != "device"}
        confirm = self._send("POST", edit, "report check", 200, check).text or ""
        self.pause()
        sent = {"action": "submit", "version": fields(confirm).get("version", "")}
        self.post(edit, sent, "report submit", to=account["detail"])
        record("submitted", club=account["club"], month=account["month"], started=started)
        self.page(account["detail"], "report page")

    @staticmethod
    def _typing(values: dict[str, str]) -> list[dict[str, str]]:
        """The autosaves of a chair filling in what is still empty: the meeting's topics, then the
        areas in PLAN["autosaves"] - 1 groups (report_form.js saves what changed at each pause)."""
        typed: list[dict[str, str]] = []
        for area, figures in AREA_INPUT.items():
            prefix = f"{area}-"
            filled = values.get(prefix + "no_activity") or any(
                value for name, value in values.items() if name.startswith(prefix) and not name.endswith("-note")
            )
            if filled:
                continue
            if figures is None:
                typed.append({prefix + "no_activity": "on"})
            else:
                typed.append({prefix + code: value for code, value in figures.items()})
        groups = max(1, PLAN["autosaves"] - 1)
        size = -(-len(typed) // groups) if typed else 1
        saves = [{"meeting_topics": TOPICS}] if values.get("meeting_topics") != TOPICS else []
        for start in range(0, len(typed), size):
            saves.append(dict(itertools.chain.from_iterable(part.items() for part in typed[start : start + size])))
        return saves


class Treasurer(Member):
    abstract = not PLAN["weights"]["treasurers"]
    weight = PLAN["weights"]["treasurers"]

    @task
    def sheets(self) -> None:
        self.round("treasurers", self._sheets)

    def _sheets(self, account: dict, _started: float) -> None:
        self._save_sheet(account, "collection", "loan_", "repayments")
        self.pause()
        self._save_sheet(account, "contributions", "member_", "contributions")

    def _save_sheet(self, account: dict, sheet: str, prefix: str, what: str) -> None:
        """Open a meeting sheet, save it as shown (what it offers each row), open where it leads."""
        url = account[sheet]
        shown = fields(self.page(url, f"{sheet} sheet"))
        amounts = {
            name: amount(value)
            for name, value in shown.items()
            if name.startswith(prefix) and not name.endswith("_present") and amount(value)
        }
        if not amounts:
            record("nothing", club=account["club"], sheet=sheet)
            return
        self.pause()
        data = {name: value for name, value in shown.items() if name != "csrfmiddlewaretoken"}
        after = self.post(url, data, f"{sheet} sheet save", to=account[f"{sheet} saved"])
        record(what, club=account["club"], amounts=amounts)
        self.page(after, f"{sheet} sheet saved")


class Staff(Member):
    abstract = not PLAN["staff"]
    fixed_count = len(PLAN["staff"])
    dashboard = ""

    def wait_time(self) -> float:
        # Between two looks at the dashboard a while; while signing in, as anyone types.
        return random.uniform(*PLAN["staff_think" if self.dashboard else "think"])

    def on_start(self) -> None:
        account = self.next_account("staff")
        if account is None:
            return
        try:
            self.sign_in(account)
        except Failed:
            return
        self.dashboard = account["dashboard"]

    @task
    def look(self) -> None:
        if not self.dashboard:
            self.wait()
            return
        with contextlib.suppress(Failed):  # counted by Locust; the next look is another try
            self.page(self.dashboard, "targets dashboard")

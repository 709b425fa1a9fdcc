"""Money is written once: the one mechanism behind every form that writes money.

A double tap, a form sent again after a lost connection, or the same page posted from two
phones must not record the money twice. Two guards, each defined here once:

- A one-time token. The form carries it from the moment it is shown (core.forms.OnceForm), and
  write_once records it (core.models.Submission, a unique token) in the transaction of the write
  itself. A second posting of the token finds it and answers with what the first one saved, never
  writing again; two postings at the same moment both insert it, the database makes the second
  wait on the unique index until the first commits, and it then answers the same way.
- The version of the books a sheet was opened at. Where two people may record the same meeting
  (the collection sheet, the contributions sheet), the form also carries the version of what it
  showed (core.forms.VersionedForm): the service compares it, with the books locked, to the
  version now (check_version) and refuses a newer one (StaleVersion); the page then shows the
  books as they now are, with what the user typed, and the version it now shows.
"""

import dataclasses
import datetime
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import format_date
from core.errors import refusal
from core.models import Submission
from core.types import Actor

T = TypeVar("T")

ERROR_TOKEN_ELSEWHERE = _("This form was already sent from another page: open it again.")
ERROR_STALE = _(
    "Changed on another device at %(time)s on %(date)s by %(name)s. The page now shows it, with what you typed: "
    "check it and save again."
)
SOMEONE = _("someone else")
ALREADY_SAVED = _("Already saved at %(time)s on %(date)s: it is shown as saved then, nothing was saved twice.")


def local_time(moment: datetime.datetime) -> tuple[str, str]:
    """(14:32, 06/12/2026) in Vietnam time."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M}", format_date(local.date())


# --- the one-time token -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Written(Generic[T]):
    """What a write through write_once gave: its result, and when the token's first posting saved
    it when this posting only answers again (None when this posting wrote)."""

    result: T
    first_saved_at: datetime.datetime | None = None


def _reference(result: object) -> dict[str, Any]:
    """What a write produced, as the receipt keeps it: the model and primary keys of a saved row
    or a list of them (every write that moves money returns those)."""
    many = isinstance(result, list)
    produced = result if isinstance(result, list) else [result]
    if not all(isinstance(item, models.Model) for item in produced):
        raise TypeError("write_once keeps saved rows (a model instance or a list of them)")
    label = produced[0]._meta.label_lower if produced else ""
    return {"model": label, "pks": [item.pk for item in produced], "many": many}


def _rebuild(reference: dict[str, Any]) -> Any:
    if not reference["pks"]:
        return []
    found = apps.get_model(reference["model"])._default_manager.in_bulk(reference["pks"])
    produced = [found[pk] for pk in reference["pks"]]
    return produced if reference["many"] else produced[0]


def write_once(*, token: uuid.UUID, actor: Actor, kind: str, write: Callable[[], T]) -> Written[T]:
    """Run `write` (a service call) with the form's token recorded in its transaction, unless the
    token is on record already: then answer with what its first posting saved. `kind` names the
    form; a token of another form or user is refused (the receipt is not theirs to read)."""
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        try:
            # Its own savepoint: a token already on record leaves the transaction usable. On
            # PostgreSQL the insert of a token another transaction is writing waits for it: the
            # second posting reads the first one's receipt once that one commits (or writes
            # itself, if the first one was refused and rolled back).
            with transaction.atomic():
                receipt = Submission.objects.create(token=token, actor=user, kind=kind[:100])
        except IntegrityError:
            first = Submission.objects.get(token=token)
            if first.kind != kind[:100] or first.actor_id != (user.pk if user else None):
                raise refusal(ERROR_TOKEN_ELSEWHERE) from None
            return Written(_rebuild(first.result), first.created_at)
        result = write()
        receipt.result = _reference(result)
        receipt.save(update_fields=["result"])
        return Written(result)


def already_saved_message(first_saved_at: datetime.datetime) -> str:
    time, date = local_time(first_saved_at)
    return str(ALREADY_SAVED) % {"time": time, "date": date}


# --- the version a sheet was opened at --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Version:
    """A version of some books: a number that grows with every change (the latest row's id), and
    when and by whom it was made (for the message); number 0 before any change."""

    number: int
    at: datetime.datetime | None = None
    by: str = ""


class StaleVersion(ValidationError):
    """The books changed since the form was opened: refused, with the version they are now at."""

    def __init__(self, current: Version) -> None:
        time, date = local_time(current.at) if current.at else ("", "")
        super().__init__(ERROR_STALE, params={"time": time, "date": date, "name": current.by or SOMEONE})
        self.current = current


def check_version(*, opened_at: int | None, current: Version) -> None:
    """Refuse a save over books changed since the form showed them at version `opened_at` (None:
    not asked, for a service called without a form). Call it with the books locked."""
    if opened_at is not None and opened_at != current.number:
        raise StaleVersion(current)

from django.db.models import QuerySet

from core.text import fold
from members.models import Person


def people_alike(*, full_name: str, birth_year: int, exclude: Person | None = None) -> QuerySet[Person]:
    """People already recorded with the same name (accents and case ignored) and birth year.

    Shown as a warning when adding a member: it is often the same person re-joining or moving,
    who must keep one record.
    """
    people = Person.objects.filter(name_folded=fold(full_name), birth_year=birth_year)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.prefetch_related("memberships__club")

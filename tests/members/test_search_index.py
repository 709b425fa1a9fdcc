"""The member search finds a word anywhere in the folded name (LIKE '%word%'): on PostgreSQL a
trigram index answers it (members/migrations/0006_person_name_trigram_index.py), so a search
reads the people whose names have the word's pieces rather than every person of the province."""

import datetime
import json

import pytest
from django.db import connection

from clubs.models import Club
from members.selectors import member_list

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"),
]


def plan_nodes(plan: dict) -> list[dict]:
    return [plan, *(node for child in plan.get("Plans", []) for node in plan_nodes(child))]


def test_the_search_on_names_can_use_the_trigram_index():
    rows = member_list(clubs=Club.objects.all(), on=datetime.date(2025, 3, 1), q="Nguyễn Lan")
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    # The search's condition is a plain LIKE on the folded name, one per word: a form the index
    # answers (an icontains, written UPPER(…) LIKE UPPER(…), would not be).
    searched = '"members_person"."name_folded"::text LIKE %s'
    assert sql.count(searched) == 2, sql
    assert [param for param in params if isinstance(param, str) and param.startswith("%")] == ["%nguyen%", "%lan%"]
    with connection.cursor() as cursor:
        # The same condition on the people alone: how PostgreSQL joins them to the memberships
        # depends on how many rows each table holds, which a test database cannot stand for. A
        # handful of people is read faster whole: forbid it, to see that the index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT id FROM members_person WHERE name_folded LIKE %s AND name_folded LIKE %s",
            ["%nguyen%", "%lan%"],
        )
        explained = cursor.fetchone()[0]
    (plan,) = json.loads(explained) if isinstance(explained, str) else explained
    indexes = {node.get("Index Name") for node in plan_nodes(plan["Plan"])}
    assert "person_name_folded_trgm" in indexes

"""Every action code the code base writes into the audit log has a label people read
(audit.models.ACTION_LABELS): the codes are found in the source, not listed by hand."""

import ast
import re
from pathlib import Path

from django.conf import settings

from activities.models import ReportAction
from audit.models import ACTION_LABELS
from clubs.models import StatusChangeKind
from spreadsheets.registry import IMPORTS

CODE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
SKIPPED = {"tests", "bench", ".venv", "migrations", "node_modules", "staticfiles"}

# The codes built from a value (an f-string), by their source text: every value they take. A new
# f-string code fails test_every_written_action_code_has_a_label until it is listed here.
BUILT = {
    "clubs.club.{kind}": [f"clubs.club.{kind}" for kind in StatusChangeKind.values],
    # A saved draft is a report event without an audit entry (activities.services.report_save).
    "activities.report.{action}": [
        f"activities.report.{action}" for action in ReportAction.values if action != ReportAction.SAVED
    ],
    "spreadsheets.{upload.kind}.imported": [f"spreadsheets.{kind}.imported" for kind in IMPORTS],
}


def source_files():
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if not SKIPPED & set(path.relative_to(settings.BASE_DIR).parts):
            yield path


def written_codes() -> tuple[set[str], set[str]]:
    """The action codes passed as `action=` anywhere in the product's code (to audit_record,
    audit_record_many, or a helper that hands them on), and the f-string codes not in BUILT."""
    codes, unknown = set(), set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.keyword) or node.arg != "action":
                continue
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and CODE.match(value.value):
                codes.add(value.value)
            elif isinstance(value, ast.JoinedStr):
                text = ast.unparse(value)[2:-1]  # f"…" → …
                if text in BUILT:
                    codes.update(BUILT[text])
                else:
                    unknown.add(f"{path.relative_to(settings.BASE_DIR)}: {text}")
    return codes, unknown


def test_every_written_action_code_has_a_label():
    codes, unknown = written_codes()
    assert unknown == set(), f"say in BUILT which codes these f-strings write: {sorted(unknown)}"
    # The scan finds the codes of every layer (a sample, so that a broken scan cannot pass empty).
    assert {"clubs.club.created", "loans.collection_sheet.recorded", "funds.entry.recorded"} <= codes
    assert {"clubs.club.dissolved", "activities.report.accepted", "spreadsheets.cutoff.imported"} <= codes
    missing = sorted(codes - set(ACTION_LABELS))
    assert missing == [], f"add a label to audit.models.ACTION_LABELS for: {missing}"


def test_no_label_for_a_code_nothing_writes():
    codes, _unknown = written_codes()
    assert sorted(set(ACTION_LABELS) - codes) == []


def test_labels_are_translatable_and_distinct():
    labels = [str(label) for label in ACTION_LABELS.values()]
    assert all(label and not CODE.match(label) for label in labels)
    assert len(set(labels)) == len(labels)

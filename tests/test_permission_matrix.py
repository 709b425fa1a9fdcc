"""Every URL of the product, for every persona: the status code each one gets.

The tables are in tests/url_access/<app>.py. A URL pattern that none of them decides (the Django
admin has its own rule below) makes test_every_url_has_an_access_decision fail: no page ships without a
decision on who may open it.
"""

import datetime
import importlib
import pkgutil

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from activities.services import report_start
from areas.models import AdminScheme, Change, UnitLink
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record, month_close
from loans.services import loan_reschedule, repayment_record
from spreadsheets.models import ExportJob, SpreadsheetImport
from spreadsheets.tasks import import_upload
from tests import factories, url_access
from tests.loans import books as loan_books
from tests.targets.conftest import small_plan
from tests.url_access import PERSONAS, url_names


def collect_tables():
    """PUBLIC and PROTECTED of every module in tests/url_access, checked for double entries."""
    public, protected = {}, {}
    for module_info in pkgutil.iter_modules(url_access.__path__):
        module = importlib.import_module(f"{url_access.__name__}.{module_info.name}")
        for table, target in ((getattr(module, "PUBLIC", {}), public), (getattr(module, "PROTECTED", {}), protected)):
            for name, entry in table.items():
                assert name not in public and name not in protected, f"{name} is decided twice"
                target[name] = entry
    return public, protected


PUBLIC, PROTECTED = collect_tables()


def is_admin(name):
    return name.startswith("admin:")


def test_every_url_has_an_access_decision():
    undecided = sorted(
        name for name in set(url_names()) if not is_admin(name) and name not in PUBLIC and name not in PROTECTED
    )
    assert undecided == [], f"add these URL names to PUBLIC or PROTECTED: {undecided}"
    stale = sorted((set(PUBLIC) | set(PROTECTED)) - set(url_names()))
    assert stale == [], f"these URL names no longer exist: {stale}"


def rows(entry):
    """(label, row) of a table entry: one row, or one per thing for a URL that serves several
    ({what: row}, the exports)."""
    if isinstance(entry, dict):
        return [(f"[{what}]", row) for what, row in entry.items()]
    return [("", entry)]


def cases():
    for name, entry in {**PUBLIC, **PROTECTED}.items():
        for label, (method, kwargs, expected) in rows(entry):
            for persona in PERSONAS:
                status = expected.get("anonymous", 302) if persona == "anonymous" else expected[persona]
                yield pytest.param(name, method, kwargs, persona, status, id=f"{name}{label}-{persona}")


@pytest.mark.parametrize(("name", "method", "kwargs", "persona", "status"), list(cases()))
def test_status_for_persona(request, client, world, name, method, kwargs, persona, status):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url)
    assert response.status_code == status
    if persona == "anonymous" and name in PROTECTED:
        assert response["Location"].startswith(reverse("login"))


def admin_kwargs(name, world):
    """Arguments for an admin URL: an existing object of the model it is about."""
    if name == "admin:app_list":
        return {"app_label": "clubs"}
    if name == "admin:view_on_site":
        content_type = ContentType.objects.get_for_model(world.club_a1)
        return {"content_type_id": content_type.pk, "object_id": world.club_a1.pk}
    if name == "admin:auth_user_password_change":
        # Django's UserAdmin names this URL after the auth app, whatever the user model.
        return {"id": factories.UserFactory().pk}
    _admin, _sep, rest = name.partition(":")
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if rest.startswith(prefix):
            action = rest.removeprefix(prefix)
            instance = model._default_manager.first()
            if action in {"change", "delete", "history"}:
                return {"object_id": instance.pk}
    return {}


def admin_url_names():
    return sorted(name for name in set(url_names()) if is_admin(name))


@pytest.mark.parametrize("name", admin_url_names())
def test_admin_is_for_admins_only(client, world, club_chair, province_staff, admin_user, audit_entry, name):
    url = reverse(name, kwargs=admin_kwargs(name, world) or None)
    if name == "admin:logout":
        client.force_login(admin_user)
        assert client.get(url).status_code == 405  # POST-only
        return
    if name == "admin:login":
        assert client.get(url).status_code == 200
        return
    for outsider in (None, club_chair, province_staff):
        client.logout()
        if outsider is not None:
            client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 302, (name, outsider)
        assert response["Location"].startswith((reverse("login"), reverse("admin:login")))
    client.force_login(admin_user)
    response = client.get(url)
    # Adding clubs, audit entries and status changes is refused in the admin on purpose.
    assert response.status_code in ({403} if name in ADMIN_REFUSED else {200, 302}), name


ADMIN_REFUSED = {
    "admin:clubs_club_add",
    "admin:audit_auditentry_add",
    "admin:audit_auditentry_delete",
    "admin:clubs_clubstatuschange_add",
    "admin:clubs_clubstatuschange_delete",
    # People and memberships change on the member pages, which check dates and audit.
    "admin:members_person_add",
    "admin:members_person_delete",
    "admin:members_membership_add",
    "admin:members_membership_delete",
    # Board positions and teams change on the club pages (services check members and dates).
    "admin:boards_boardposition_add",
    "admin:boards_boardposition_delete",
    "admin:boards_team_add",
    "admin:boards_team_delete",
    "admin:boards_teammembership_add",
    "admin:boards_teammembership_delete",
    "admin:spreadsheets_spreadsheetimport_add",
    "admin:spreadsheets_exportjob_add",
    # Money moves on the funds pages, whose services check balances and dates and audit each entry.
    "admin:funds_fund_add",
    "admin:funds_fund_delete",
    "admin:funds_fundentry_add",
    "admin:funds_fundentry_delete",
    "admin:funds_closedmonth_add",
    "admin:funds_closedmonth_delete",
    # The loan book is read-only in the admin: loans.services keeps it and the cash book in step.
    "admin:loans_loanrules_add",
    "admin:loans_loanrules_delete",
    "admin:loans_loan_add",
    "admin:loans_loan_delete",
    "admin:loans_repayment_add",
    "admin:loans_repayment_delete",
    "admin:loans_rescheduling_add",
    "admin:loans_rescheduling_delete",
    # Monthly reports are filled in and reviewed on their pages.
    "admin:activities_monthlyreport_add",
    "admin:activities_monthlyreport_delete",
    # Target plans are set on their page by province staff, through the audited service.
    "admin:targets_targetplan_add",
    "admin:targets_targetplan_delete",
    # The lineage changes only through load_lineage, which checks the whole file.
    "admin:areas_unitlink_add",
    "admin:areas_unitlink_delete",
    # Only answers the admin's own select widgets, which send the field to complete.
    "admin:autocomplete",
    # django-axes records login attempts itself: its admin reads them, and unlocks by deleting one.
    "admin:axes_accessattempt_add",
    "admin:axes_accesslog_add",
    "admin:axes_accessfailurelog_add",
    # Background jobs are queued by the pages and run by the worker: their admin only reads them.
    "admin:django_tasks_database_dbtaskresult_add",
    "admin:django_tasks_database_dbtaskresult_delete",
}


@pytest.fixture
def audit_entry(world):
    """Rows for every model, so each admin change page has an object to open."""
    Group.objects.create(name="Nhóm thử")
    factories.ClubStatusChangeFactory(club=world.club_b1, effective_on=world.club_b1.launch_date)
    factories.HouseholdStatusFactory(person=factories.MembershipFactory(club=world.club_a1).person)
    factories.BoardPositionFactory(club=world.club_a1)
    factories.TeamMembershipFactory(team__club=world.club_a1)
    upload = SpreadsheetImport.objects.create(kind="clubs", original_name="clb.xlsx", content=b"")
    import_upload.enqueue(kind="clubs", upload_pk=upload.pk, language="vi")
    ExportJob.objects.create(
        identifier="members",
        export_format="xlsx",
        requested_by=factories.UserFactory(),
        language="vi",
        rows_estimate=6000,
    )
    attempt = {"username": "doan", "ip_address": "10.0.0.1", "user_agent": "", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    contribution_record(
        actor=None,
        fund=world.club_a1.funds.get(kind=FundKind.INCOME),
        amount=1_000_000,
        entry_date=datetime.date(2025, 2, 1),
        source=CapitalSource.MEMBERS,
    )
    month_close(actor=None, club=world.club_a1, month=datetime.date(2025, 2, 1))
    loan_books.open_lending(world.club_b1)
    loan = loan_books.disbursed_loan(world.club_b1)
    repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=datetime.date(2025, 1, 15))
    loan_reschedule(
        actor=None,
        loan=loan,
        on=datetime.date(2025, 3, 1),
        term_months=6,
        first_due_on=datetime.date(2025, 3, 15),
        reason="mất mùa",
        decision_reference="QĐ 1",
    )
    report_start(actor=None, club=world.club_a1, month=datetime.date(2025, 2, 1))
    small_plan(world)
    later_map = AdminScheme.objects.get(code="vn-2025-07")
    later_province = factories.province(scheme=later_map, code="51", name="Tỉnh Quảng Ngãi")
    UnitLink.objects.create(
        predecessor=world.commune_a1,
        successor=factories.commune(later_province, scheme=later_map, name="Xã Bình Hiệp Mới"),
        change=Change.RENAMED,
    )
    return factories.AuditEntryFactory(actor=None, target_id=str(world.club_a1.pk))

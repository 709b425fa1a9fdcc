"""A club chair keeps the member register from a phone: adds a member, then imports a list."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from members.models import Membership
from tests.spreadsheets.files import xlsx

HEADERS = ["Mã CLB", "Họ và tên", "Giới tính", "Năm sinh", "Hoàn cảnh kinh tế", "Ngày vào CLB"]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("secret-pass-123")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()


def test_club_chair_adds_a_member_then_imports_a_list_after_fixing_two_bad_rows(
    transactional_db, live_server, world, club_chair, phone_page, tmp_path
):
    page = phone_page
    club = world.club_a1
    log_in(page, live_server, club_chair)

    # 1. Add one member with the form.
    page.goto(f"{live_server.url}/members/clubs/{club.pk}/new/")
    page.locator("#id_full_name").fill("Phạm Thị Hoa")
    page.locator("input[name=sex][value=female]").check()
    page.locator("#id_birth_year").fill("1950")
    page.locator("#id_economic_status").select_option("poor")
    page.locator("#id_joined_on").fill("01/03/2025")
    page.locator("form button[type=submit].btn-success").click()
    expect(page.get_by_role("heading", name="Phạm Thị Hoa")).to_be_visible()
    assert Membership.objects.filter(club=club, person__full_name="Phạm Thị Hoa").exists()

    # 2. Upload a list with two bad rows: an unknown sex and a joining date in the future.
    bad = tmp_path / "thanh_vien.xlsx"
    bad.write_bytes(
        xlsx(
            [
                [club.code, "Trần Văn Bình", "Nam", 1948, "Cận nghèo", "10/01/2025"],
                [club.code, "Lê Thị Cúc", "X", 1956, "Nghèo", "10/01/2025"],
                [club.code, "Võ Thị Mai", "Nữ", 1961, "Khác", "10/01/2030"],
            ],
            headers=HEADERS,
        )
    )
    page.goto(f"{live_server.url}/spreadsheets/members/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    errors = page.get_by_test_id("row-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("li")).to_have_count(2)
    expect(errors).to_contain_text("Dòng 3")
    expect(errors).to_contain_text("Giới tính")
    expect(errors).to_contain_text("Dòng 4")
    expect(errors).to_contain_text("Ngày vào CLB")
    expect(page.get_by_role("button", name="Nhập dữ liệu")).to_have_count(0)
    assert not Membership.objects.filter(person__full_name="Trần Văn Bình").exists()

    # 3. Fix the file, upload it again, confirm: all three rows are saved together.
    good = tmp_path / "thanh_vien_da_sua.xlsx"
    good.write_bytes(
        xlsx(
            [
                [club.code, "Trần Văn Bình", "Nam", 1948, "Cận nghèo", "10/01/2025"],
                [club.code, "Lê Thị Cúc", "Nữ", 1956, "Nghèo", "10/01/2025"],
                [club.code, "Võ Thị Mai", "Nữ", 1961, "Khác", "10/01/2025"],
            ],
            headers=HEADERS,
        )
    )
    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("button", name="Nhập dữ liệu").click()

    # 4. The import waits for the job worker; once the worker has run it, the page, reloading
    # itself, says it is done and leads to the list.
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-state", "waiting")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(progress).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("import-result")).to_contain_text("3")
    page.locator("[data-testid=import-progress] a.btn-success").click()
    imported = {"Trần Văn Bình", "Lê Thị Cúc", "Võ Thị Mai"}
    expect(page.get_by_text("Trần Văn Bình")).to_be_visible()
    assert (
        set(
            Membership.objects.filter(club=club, person__full_name__in=imported).values_list(
                "person__full_name", flat=True
            )
        )
        == imported
    )

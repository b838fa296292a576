"""The admin speaks Vietnamese on every page: no English left from Django's catalogue (which
lacks entries of Django 5.2), none of its awkward stock Vietnamese, no identifier where staff
read a name, Vietnamese error pages; and figures written 23.400.000, 6.400, 109,4 in lists,
read-only forms and history."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase
from django.urls import reverse

from accounts.roles import CLERK, REVIEWER
from audit.models import AccessLog, log_access
from beneficiaries.models import LongevityGift, RiceReliefRound
from bkxh import urls
from bkxh.errors import server_error
from imports.kinds import all_kinds
from imports.models import ImportLog
from indicators.models import IndicatorValue
from tests.admin_forms import admin_url, form_fields
from tests.admin_pages import admin_pages
from tests.factories import (
    ENTRY_MAKERS,
    make_agency,
    make_approved_year,
    make_commune,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_province,
    make_resident,
    make_role_user,
    make_round,
    make_superuser,
    make_value,
)

# English that Django's vi catalogue leaves on admin pages.
ENGLISH = (
    "Please correct the error",
    "Please correct the errors",
    "Reset password",
    "Set password",
    "Raw passwords are not stored",
    "password-based authentication",
    "Password-based authentication",
    "This password is too short",
    "Show counts",
    "Hide counts",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Select this object for an action",
    "Select all objects on this page",
    "Breadcrumbs",
    "Forbidden",
    "Not Found",
    "Server Error",
    "Error:",
    "Search",
    "models",
    "session",
    "Can add",
    "Can import",
    "historical",
    "Historical",
    # An app's label where its Vietnamese name belongs (a past version's breadcrumb).
    "Accounts",
    "Areas",
    "Beneficiaries",
    "Approvals",
    "Indicators",
)
# Django's stock Vietnamese that reads badly, by pattern: "Bởi năm", "Thêm vào số liệu chỉ tiêu",
# "0 của 29 được chọn", "Hoạt động:" for the actions, "Chọn … để thay đổi" as a list's title.
AWKWARD = (
    r"\bBởi ",
    r"\bThêm vào ",
    r"\d+ của \d+",
    r"được chọn",
    r"Hoạt động:",
    r"\bChọn .{1,80} để (thay đổi|xem)\b",
    r"Bắt đầu hành động",
    r"\bĐi đến\b",
    r"Các nhóm",
)
# Kinds of file are named for staff, never by their identifier (longevity_gifts).
KIND_NAMES = r"\b(" + "|".join(re.escape(kind.name) for kind in all_kinds()) + r")\b"

# Attributes whose text a user reads or hears (a button's label, a tooltip, a placeholder).
_READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The text of a page as its user meets it: element text and read attributes, without
    scripts, styles, hidden inputs or attribute values that only the browser uses."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts += [value for name, value in attrs.items() if name in _READ_ATTRIBUTES and value]
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(response):
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def foreign_phrases(text):
    """The English, awkward or identifier phrases of ENGLISH, AWKWARD and KIND_NAMES in `text`."""
    found = [phrase for phrase in ENGLISH if phrase in text]
    found += [match.group(0) for pattern in (*AWKWARD, KIND_NAMES) if (match := re.search(pattern, text))]
    return found


def form_pages(model, instance):
    """The pages whose form a test sends empty, to see the form's errors."""
    return [admin_url(model, "add")] + ([admin_url(model, "change", instance.pk)] if instance is not None else [])


def make_units():
    """The province, Huyện Pác Nặm and one of its communes."""
    province = make_province()
    district = make_district(parent=province)
    return province, district, make_commune(parent=district)


class PageTextAssertions:
    def assertShows(self, url, text, *, instead_of):
        """The page at `url` shows `text` to its user, and not `instead_of`."""
        shown = visible_text(self.client.get(url))
        self.assertIn(text, shown, url)
        self.assertNotIn(instead_of, shown, url)


class VietnameseAdminTests(PageTextAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        province, cls.district, commune = make_units()
        person = make_resident(commune=commune, number=1, birth_year=1934)
        for make_entry in ENTRY_MAKERS.values():
            make_entry(person, 2024)
        make_value(indicator=make_indicator(), area=cls.district, plan=Decimal("7000"), actual=Decimal("7658"))
        make_agency(area=province)
        # An approved year with no entries: its approval has pages, and no row of 2024 is locked.
        make_approved_year(area=cls.district, year=2020)
        cls.superuser = make_superuser()
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])
        ImportLog.objects.create(
            user=cls.clerk,
            kind="longevity_gifts",
            file_name="qua-mung-tho.csv",
            file_size=2048,
            sha256="0" * 64,
            rows=3,
            outcome=ImportLog.Outcome.IMPORTED,
        )
        log_access(event=AccessLog.Event.LOGIN, user=cls.superuser)

    maxDiff = None

    def assertVietnamese(self, responses):
        """No page among `responses` (url → response) shows a phrase of ENGLISH, AWKWARD or KIND_NAMES."""
        found = {url: foreign_phrases(visible_text(response)) for url, response in responses.items()}
        self.assertEqual({url: phrases for url, phrases in found.items() if phrases}, {})

    def visit(self, user):
        """Every admin page of every registered model as `user`, and each form sent empty."""
        self.client.force_login(user)
        request = self._request_of(user)
        rows = {
            model: model_admin.get_queryset(request).order_by("pk").first()
            for model, model_admin in admin.site._registry.items()
        }
        responses = {page.url: self.client.get(page.url) for page in admin_pages(rows)}
        for model, instance in rows.items():
            for url in form_pages(model, instance):
                responses[f"POST {url}"] = self.client.post(url, {})
        for response in responses.values():
            self.assertIn(response.status_code, {200, 302, 403})
        return responses

    @staticmethod
    def _request_of(user):
        request = RequestFactory().get("/admin/")
        request.user = user
        return request

    def test_every_admin_page_of_every_model_is_vietnamese_for_the_province_administrator(self):
        responses = self.visit(self.superuser)
        self.assertVietnamese(responses)
        # The sweep did see a form's errors and a title of a list.
        self.assertContains(responses[f"POST {admin_url(IndicatorValue, 'add')}"], "Hãy sửa các lỗi dưới đây.")
        self.assertContains(responses[admin_url(LongevityGift, "changelist")], "<h1>Quà mừng thọ</h1>", html=True)

    def test_every_admin_page_of_every_model_is_vietnamese_for_a_district_clerk(self):
        responses = self.visit(self.clerk)
        self.assertVietnamese(responses)
        self.assertEqual(responses[admin_url(AccessLog, "changelist")].status_code, 403)

    def test_the_user_forms_and_the_password_change_are_vietnamese(self):
        self.client.force_login(self.superuser)
        user = self.clerk
        password_url = reverse("admin:auth_user_password_change", args=[user.pk])
        responses = {
            url: self.client.get(url)
            for url in (
                admin_url(get_user_model(), "add"),
                admin_url(get_user_model(), "change", user.pk),
                password_url,
            )
        }
        short = {"password1": "abc", "password2": "abc", "usable_password": "true", "username": "moi"}
        responses[f"POST {password_url}"] = self.client.post(password_url, short)
        responses["POST add user"] = self.client.post(admin_url(get_user_model(), "add"), short)
        self.assertVietnamese(responses)
        self.assertContains(responses[f"POST {password_url}"], "Mật khẩu này quá ngắn: cần ít nhất 12 ký tự.")
        # The roles' select widget names the field for its JavaScript labels ("Chọn vai trò…").
        self.assertContains(responses[admin_url(get_user_model(), "change", user.pk)], 'data-field-name="vai trò"')

    def test_the_login_page_is_vietnamese_before_and_after_a_failed_login(self):
        url = reverse("admin:login")
        responses = {url: self.client.get(url)}
        responses[f"POST {url}"] = self.client.post(url, {"username": "admin", "password": "sai-mat-khau"})
        self.assertVietnamese(responses)

    def test_the_javascript_of_the_admin_speaks_vietnamese(self):
        """The select widget of roles and permissions and the action bar take their words from
        the admin's JavaScript catalogue."""
        self.client.force_login(self.superuser)
        script = self.client.get(reverse("admin:jsi18n")).content.decode()
        catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
        expected = {
            'Choose %s by selecting them and then select the "Choose" arrow button.': (
                "Chọn %s ở ô dưới rồi bấm mũi tên “Chọn”."
            ),
            "Choose all %s": "Chọn tất cả %s",
            "Remove all %s": "Bỏ tất cả %s",
            "Choose selected %s": "Chọn các %s đã đánh dấu",
            "Remove selected %s": "Bỏ các %s đã đánh dấu",
            "%(sel)s of %(cnt)s selected": ["Đã chọn %(sel)s/%(cnt)s"],
        }
        self.assertEqual({msgid: catalog.get(msgid) for msgid in expected}, expected)

    def test_the_error_pages_are_ours_and_vietnamese(self):
        self.client.force_login(self.clerk)
        forbidden = self.client.get(admin_url(AccessLog, "changelist"))
        missing = self.client.get("/khong-co-trang-nay/")
        self.assertContains(forbidden, "Bạn không được mở trang này", status_code=403)
        self.assertContains(missing, "Không tìm thấy trang", status_code=404)
        self.assertVietnamese({"403": forbidden, "404": missing})

    def test_the_server_error_page_needs_neither_the_database_nor_a_context_processor(self):
        self.assertEqual(urls.handler500, "bkxh.errors.server_error")
        with self.assertNumQueries(0):
            response = server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        self.assertIn("Lỗi hệ thống", response.content.decode())

    def test_import_kinds_are_named_for_staff_in_the_import_log(self):
        self.client.force_login(self.superuser)
        log = ImportLog.objects.get()
        for url in (admin_url(ImportLog, "changelist"), admin_url(ImportLog, "change", log.pk)):
            self.assertShows(url, "Quà mừng thọ", instead_of="longevity_gifts")

    def test_the_indicator_values_list_shows_indicator_names_without_their_codes(self):
        self.client.force_login(self.clerk)
        self.assertShows(admin_url(IndicatorValue, "changelist"), "Giải quyết việc làm", instead_of="jobs_created")


class AdminFigureTests(PageTextAssertions, TestCase):
    """Figures in lists, read-only forms and history are written as the totals and reports write
    them: 23.400.000 (money has no decimals), 6.400 (no trailing zeros), 109,4."""

    @classmethod
    def setUpTestData(cls):
        _province, cls.district, commune = make_units()
        cls.gift = make_longevity_gift(
            person=make_resident(commune=commune, number=1, birth_year=1934),
            milestone=90,
            cash_vnd=Decimal("23400000"),
        )
        cls.round = make_round(area=cls.district, kg_allocated=Decimal("6400.00"))
        cls.value = make_value(
            indicator=make_indicator(),
            area=cls.district,
            plan=Decimal("7000.00"),
            actual=Decimal("7658.00"),
            reported_percent=Decimal("109.40"),
        )
        cls.reviewer = make_role_user(username="pacnam.duyet", role=REVIEWER, units=[cls.district])
        cls.superuser = make_superuser()

    def test_a_register_list_writes_money_grouped_in_thousands(self):
        self.client.force_login(self.superuser)
        self.assertShows(admin_url(LongevityGift, "changelist"), "23.400.000", instead_of="23400000")

    def test_a_read_only_form_writes_figures_without_trailing_zeros(self):
        """A reviewer may only view: the form shows each figure as text."""
        self.client.force_login(self.reviewer)
        self.assertShows(admin_url(RiceReliefRound, "change", self.round.pk), "6.400", instead_of="6400,00")
        value_page = admin_url(IndicatorValue, "change", self.value.pk)
        self.assertShows(value_page, "109,4", instead_of="109,40")
        self.assertShows(value_page, "7.658", instead_of="7658")

    def test_the_history_writes_old_and_new_figures_alike(self):
        self.client.force_login(self.superuser)
        self.client.post(
            admin_url(LongevityGift, "change", self.gift.pk),
            {**self._form_of(self.gift), "cash_vnd": "24.000.000"},
        )
        self.gift.refresh_from_db()
        self.assertEqual(self.gift.cash_vnd, Decimal("24000000"))
        self.assertShows(admin_url(LongevityGift, "history", self.gift.pk), "23.400.000", instead_of="23400000")
        self.assertShows(admin_url(LongevityGift, "history", self.gift.pk), "24.000.000", instead_of="24000000")

    def _form_of(self, instance):
        return form_fields(self.client.get(admin_url(type(instance), "change", instance.pk)).content.decode())

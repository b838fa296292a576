import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase

from agencies.models import Agency
from tests.admin_forms import AdminFormTestCase, admin_url, form_errors, form_fields
from tests.factories import make_agency, make_district, make_province, make_sector

SPLIT = datetime.date(2025, 3, 1)
PROVINCES_MERGED = datetime.date(2025, 6, 30)


def sectors():
    """The catalogue's seven sectors, by code."""
    rows = [
        ("lao_dong_viec_lam", "Lao động – việc làm"),
        ("bao_hiem_xa_hoi", "Bảo hiểm xã hội"),
        ("giao_duc_nghe_nghiep", "Giáo dục nghề nghiệp"),
        ("phong_chong_te_nan_xa_hoi", "Phòng, chống tệ nạn xã hội"),
        ("nguoi_co_cong", "Người có công"),
        ("bao_tro_xa_hoi", "Bảo trợ xã hội"),
        ("giam_ngheo", "Giảm nghèo"),
    ]
    return {code: make_sector(code=code, name=name, order=order) for order, (code, name) in enumerate(rows, 1)}


def successor(area, abbreviation, name, held, **kwargs):
    kwargs.setdefault("valid_from", SPLIT)
    kwargs.setdefault("valid_to", PROVINCES_MERGED)
    return make_agency(area=area, abbreviation=abbreviation, name=name, sectors=held, **kwargs)


class ForReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sectors = sectors()
        cls.province = make_province()
        cls.department = make_agency(area=cls.province)  # every sector, until 28/02/2025
        s = cls.sectors
        cls.home_affairs = successor(
            cls.province, "SNV", "SỞ NỘI VỤ", [s["lao_dong_viec_lam"], s["bao_hiem_xa_hoi"], s["nguoi_co_cong"]]
        )
        cls.health = successor(cls.province, "SYT", "SỞ Y TẾ", [s["bao_tro_xa_hoi"]])

    def issued(self, year, area=None):
        return [
            (issuer.agency.abbreviation, issuer.sector_codes)
            for issuer in Agency.objects.for_report(area or self.province, year)
        ]

    def test_in_2024_the_department_issues_the_report_on_every_sector_in_one_query(self):
        with self.assertNumQueries(1):
            (issuer,) = Agency.objects.for_report(self.province, 2024)
        self.assertEqual((issuer.agency, issuer.sectors), (self.department, None))
        self.assertTrue(issuer.holds_every_sector)

    def test_in_2025_each_sector_goes_to_the_latest_agency_holding_it(self):
        self.assertEqual(
            self.issued(2025),
            [
                ("SNV", ["lao_dong_viec_lam", "bao_hiem_xa_hoi", "nguoi_co_cong"]),
                # The sectors no successor took stay with the department, the last to hold them.
                ("SLĐTBXH", ["giao_duc_nghe_nghiep", "phong_chong_te_nan_xa_hoi", "giam_ngheo"]),
                ("SYT", ["bao_tro_xa_hoi"]),
            ],
        )

    def test_an_agency_in_force_at_the_end_of_the_year_wins_over_one_that_ended_in_it(self):
        new_province = make_province(
            code="19", name="Tỉnh Thái Nguyên", valid_from=datetime.date(2025, 7, 1), valid_to=None
        )
        social = [self.sectors["bao_tro_xa_hoi"]]
        successor(new_province, "SYT", "SỞ Y TẾ", social, valid_from=datetime.date(2025, 7, 1), valid_to=None)
        self.assertEqual(self.issued(2026, new_province), [("SYT", ["bao_tro_xa_hoi"])])

    def test_an_area_without_an_agency_of_its_own_has_none_not_the_province_one(self):
        district = make_district(parent=self.province)
        self.assertEqual(self.issued(2025, district), [])

    def test_several_agencies_take_three_queries_however_many_there_are(self):
        with self.assertNumQueries(3):
            Agency.objects.for_report(self.province, 2025)


class SectorOverlapTests(TestCase):
    """Two agencies of one area may not hold the same sector on overlapping periods."""

    @classmethod
    def setUpTestData(cls):
        cls.sectors = sectors()
        cls.province = make_province()
        cls.health = successor(cls.province, "SYT", "SỞ Y TẾ", [cls.sectors["bao_tro_xa_hoi"]])

    def refused(self, message, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            successor(self.province, **kwargs)
        self.assertEqual(caught.exception.message_dict["sectors"], [message])

    def test_a_second_agency_holding_a_sector_already_held_then_is_refused_naming_the_other(self):
        self.refused(
            "SỞ Y TẾ (01/03/2025 – 30/06/2025) đã phụ trách Bảo trợ xã hội của Tỉnh Bắc Kạn trong thời gian trùng "
            "với cơ quan này: hai cơ quan của một địa bàn không được cùng phụ trách một lĩnh vực trong cùng một "
            "thời gian.",
            abbreviation="SNV",
            name="SỞ NỘI VỤ",
            held=[self.sectors["bao_tro_xa_hoi"], self.sectors["nguoi_co_cong"]],
        )

    def test_an_agency_of_every_sector_overlaps_every_other(self):
        self.refused(
            "SỞ Y TẾ (01/03/2025 – 30/06/2025) đã phụ trách Bảo trợ xã hội của Tỉnh Bắc Kạn trong thời gian trùng "
            "với cơ quan này: hai cơ quan của một địa bàn không được cùng phụ trách một lĩnh vực trong cùng một "
            "thời gian.",
            abbreviation="SLĐTBXH",
            name="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            held=[],
            valid_from=None,
            valid_to=datetime.date(2025, 3, 1),
        )

    def test_other_sectors_the_period_before_or_another_area_are_allowed(self):
        successor(self.province, "SNV", "SỞ NỘI VỤ", [self.sectors["nguoi_co_cong"]])
        make_agency(area=self.province, valid_to=datetime.date(2025, 2, 28))
        district = make_district(parent=self.province)
        successor(district, "PNV", "PHÒNG NỘI VỤ", [])
        self.assertEqual(Agency.objects.count(), 4)

    def test_a_sector_added_in_code_is_checked_too(self):
        home_affairs = successor(self.province, "SNV", "SỞ NỘI VỤ", [self.sectors["nguoi_co_cong"]])
        # add() runs in the caller's transaction (no savepoint of its own): the caller gives one.
        with self.assertRaises(ValidationError), transaction.atomic():
            home_affairs.sectors.add(self.sectors["bao_tro_xa_hoi"])
        self.assertEqual(list(home_affairs.sectors.values_list("code", flat=True)), ["nguoi_co_cong"])

    def test_moving_an_agency_into_the_period_of_another_is_refused_by_full_clean(self):
        earlier = successor(
            self.province,
            "SYT",
            "SỞ Y TẾ",
            [self.sectors["bao_tro_xa_hoi"]],
            valid_from=None,
            valid_to=datetime.date(2025, 2, 28),
        )
        earlier.valid_to = datetime.date(2025, 3, 31)
        with self.assertRaises(ValidationError) as caught:
            earlier.full_clean()
        self.assertIn("sectors", caught.exception.message_dict)


class AgencyAdminTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sectors = sectors()
        cls.province = make_province()
        cls.health = successor(cls.province, "SYT", "SỞ Y TẾ", [cls.sectors["bao_tro_xa_hoi"]])

    def add_agency(self, held):
        url = admin_url(Agency, "add")
        data = form_fields(self.client.get(url).content.decode())
        data.update(
            {
                "area": str(self.province.pk),
                "managing_body": "UBND TỈNH BẮC KẠN",
                "name": "SỞ NỘI VỤ",
                "abbreviation": "SNV",
                "place": "Bắc Kạn",
                "signer_title": "GIÁM ĐỐC",
                "signer_name": "Đinh Văn Hải",
                "recipients": "Bộ Nội vụ\nLưu: VT, VP",
                "valid_from": "01/03/2025",
                "valid_to": "30/06/2025",
                "sectors": [str(sector.pk) for sector in held],
            }
        )
        return self.client.post(url, data)

    def test_the_form_refuses_a_sector_another_agency_holds_then(self):
        response = self.add_agency([self.sectors["bao_tro_xa_hoi"], self.sectors["nguoi_co_cong"]])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            form_errors(response),
            [
                "SỞ Y TẾ (01/03/2025 – 30/06/2025) đã phụ trách Bảo trợ xã hội của Tỉnh Bắc Kạn trong thời gian "
                "trùng với cơ quan này: hai cơ quan của một địa bàn không được cùng phụ trách một lĩnh vực trong "
                "cùng một thời gian."
            ],
        )
        self.assertFalse(Agency.objects.filter(abbreviation="SNV").exists())

    def test_the_form_saves_an_agency_with_its_own_sectors(self):
        response = self.add_agency([self.sectors["nguoi_co_cong"], self.sectors["bao_hiem_xa_hoi"]])
        self.assertSaved(response)
        agency = Agency.objects.get(abbreviation="SNV")
        self.assertEqual(sorted(agency.sectors.values_list("code", flat=True)), ["bao_hiem_xa_hoi", "nguoi_co_cong"])

    def test_the_form_shows_the_sectors_and_a_blank_managing_body_is_accepted(self):
        page = self.client.get(admin_url(Agency, "change", self.health.pk))
        self.assertContains(page, "Lĩnh vực phụ trách")
        self.assertContains(page, "không chọn lĩnh vực nào nghĩa là mọi lĩnh vực")
        self.health.managing_body = ""
        self.health.full_clean()

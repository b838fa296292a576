"""Every problem of a row is reported at once: the clerk corrects a file in one round trip."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from accounts.roles import CLERK
from beneficiaries.models import LongevityGift, Person
from imports.kinds import get_kind
from tests.factories import (
    default_commune,
    make_approved_year,
    make_citizen_id,
    make_commune,
    make_csv_bytes,
    make_district,
    make_longevity_gift,
    make_person,
    make_role_user,
)
from tests.test_imports_admin import PrivateFolderMixin

IMPORT = "/admin/beneficiaries/longevitygift/import/"
GIFT_HEADER = [column.header for column in get_kind("longevity_gifts").export_columns]


def gift_row(**cells):
    row = {
        "Năm": "2024",
        "Mã xã": "01858",
        "Giới tính": "Nam",
        "Năm sinh": "1934",
        "Mốc tuổi": "90",
        "Tiền mặt (đồng)": "500.000",
        "Ngày tặng": "06/06/2024",
        **cells,
    }
    return [row.get(header, "") for header in GIFT_HEADER]


class EveryProblemOfARowTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()
        cls.pac_nam = cls.commune.parent
        cls.ba_be = make_district(parent=cls.pac_nam.parent, code="061", name="Huyện Ba Bể")
        cls.cao_thuong = make_commune(parent=cls.ba_be, code="01849", name="Xã Cao Thượng")
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.pac_nam])
        citizen_id = make_citizen_id(birth_year=1934, province="006")
        cls.person = make_person(full_name="Lương Văn Sáu", birth_year=1934, citizen_id=citizen_id)
        cls.gift = make_longevity_gift(person=cls.person, year=2024, milestone=90)
        make_approved_year(area=cls.pac_nam, year=2023)

    maxDiff = None

    def test_a_district_clerk_sees_all_the_problems_of_each_row_in_one_preview(self):
        self.client.force_login(self.clerk)
        rows = [
            # A bad citizen ID, a commune outside the clerk's units, an impossible date, a negative amount.
            gift_row(
                **{
                    "Mã xã": "01849",
                    "Họ và tên": "Lò Văn A",
                    "Số CCCD": "00613400012",
                    "Ngày tặng": "31/02/2024",
                    "Tiền mặt (đồng)": "-1",
                }
            ),
            # The milestone this person was already given, in a year already approved and of another age.
            gift_row(
                **{
                    "Năm": "2023",
                    "Họ và tên": "Lương Văn Sáu",
                    "Số CCCD": self.person.citizen_id,
                    "Ngày tặng": "06/06/2023",
                }
            ),
            # A person not on file, in a commune outside the clerk's units: said once, for the person and the gift.
            gift_row(**{"Mã xã": "01849", "Họ và tên": "Lò Văn Bảy", "Ngày tặng": ""}),
        ]
        data = make_csv_bytes([GIFT_HEADER, *rows])
        today = timezone.localdate().strftime("%d/%m/%Y")
        response = self.client.post(IMPORT, {"file": SimpleUploadedFile("qua-mung-tho.csv", data)})
        self.assertEqual(
            response.context["summary"]["problems"],
            [
                "Dòng 2, cột “Ngày tặng”: “31/02/2024” không phải là ngày có thật.",
                "Dòng 2, cột “Số CCCD”: Số CCCD phải gồm đúng 12 chữ số.",
                "Dòng 2, cột “Tiền mặt (đồng)”: Số tiền không được là số âm.",
                "Dòng 2: Xã Cao Thượng không thuộc địa bàn bạn phụ trách; bạn không được sửa số liệu của đơn vị này.",
                "Dòng 3, cột “Mốc tuổi”: Sinh năm 1934, năm 2023 người này 89 tuổi (tính theo năm), không phải 90.",
                f"Dòng 3: Số liệu năm 2023 của Huyện Pác Nặm đã được Nguyễn Thị Duyệt phê duyệt ngày {today} nên "
                "đã bị khóa: không thể thêm, sửa hoặc xóa. Người có quyền mở lại năm số liệu (vai trò “Duyệt”, "
                "“Quản trị”) có thể mở lại, kèm lý do bằng văn bản.",
                "Dòng 3, cột “Mốc tuổi”: Người này đã được mừng thọ ở mốc tuổi này.",
                "Dòng 4: Xã Cao Thượng không thuộc địa bàn bạn phụ trách; bạn không được sửa số liệu của đơn vị này.",
            ],
        )
        self.assertFalse(response.context["can_confirm"])
        self.assertEqual(Person.objects.count(), 1)
        self.assertEqual(
            list(LongevityGift.objects.values_list("pk", "year", "version")), [(self.gift.pk, 2024, self.gift.version)]
        )

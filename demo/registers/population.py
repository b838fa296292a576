"""Synthetic residents of Bắc Kạn for the demo registers: every person is invented.

Names follow the province's ethnic groups (mostly Tày, then Dao, Kinh, Nùng and Mông, a few
Hoa and Sán Chay; the shares differ by district), citizen IDs are well formed (born in Bắc
Kạn, 006, for most), and households live in villages with Tày place names.
"""

import datetime
import itertools
import random

from beneficiaries.citizen_id import gender_century_digit
from beneficiaries.models import Ethnicity, Gender, Household, Person

# Rough shares of each group by district, for realism only: Kinh in the town, Mông and Dao
# in the highlands of Pác Nặm, Tày everywhere else.
DISTRICT_MIX = {
    "058": {Ethnicity.TAY: 48, Ethnicity.KINH: 36, Ethnicity.NUNG: 8, Ethnicity.DAO: 5, Ethnicity.HOA: 3},
    "060": {Ethnicity.MONG: 38, Ethnicity.DAO: 30, Ethnicity.TAY: 26, Ethnicity.NUNG: 6},
    "061": {Ethnicity.TAY: 56, Ethnicity.DAO: 20, Ethnicity.MONG: 10, Ethnicity.KINH: 7, Ethnicity.NUNG: 7},
    "062": {Ethnicity.TAY: 42, Ethnicity.NUNG: 28, Ethnicity.DAO: 20, Ethnicity.MONG: 6, Ethnicity.KINH: 4},
    "063": {Ethnicity.TAY: 60, Ethnicity.DAO: 14, Ethnicity.KINH: 12, Ethnicity.NUNG: 10, Ethnicity.SAN_CHAY: 4},
    "064": {Ethnicity.TAY: 64, Ethnicity.DAO: 16, Ethnicity.KINH: 10, Ethnicity.NUNG: 5, Ethnicity.MONG: 5},
    "065": {Ethnicity.TAY: 44, Ethnicity.DAO: 26, Ethnicity.KINH: 16, Ethnicity.NUNG: 9, Ethnicity.SAN_CHAY: 5},
    "066": {Ethnicity.TAY: 54, Ethnicity.NUNG: 26, Ethnicity.DAO: 15, Ethnicity.KINH: 5},
}
# Elsewhere (the communes of Thái Nguyên, old and new): mostly Kinh, then Tày and Nùng.
THAI_NGUYEN_MIX = {Ethnicity.KINH: 70, Ethnicity.TAY: 14, Ethnicity.NUNG: 8, Ethnicity.DAO: 4, Ethnicity.SAN_CHAY: 4}

# Family names, men's middle names, women's middle names, men's given names, women's given
# names; a name written twice is drawn twice as often (Hoàng, Nông and Hà among the Tày).
NAMES = {
    Ethnicity.TAY: (
        "Hoàng Hoàng Nông Nông Hà Hà Ma Dương Lục Đàm Hứa Triệu Lý Bế Quan Lường",
        "Văn Văn Văn Đức Minh",
        "Thị Thị Thị Thu",
        "Pảo Khiêm Thào Chí Khoa Lợi Tiến Bình Quân Hưng Sơn Thắng Dũng Hải Tuấn Chiến Toàn Luyến",
        "Dầm Nhung Lan Hoa Mai Thơ Huệ Liên Thảo Hằng Nguyệt Thắm Diệp Phượng Ngân Xuân",
    ),
    Ethnicity.NUNG: (
        "Hoàng Lương Lục Nông Lăng Chu Mã Vi Linh Hứa Lành",
        "Văn Văn Văn Đình",
        "Thị Thị Thị",
        "Slinh Pằn Lâm Khánh Cường Thành Vinh Lộc Phúc Thọ Chung Nghĩa",
        "Sáu Nhàn Phấn Loan Thoa Tâm Vân Hiền Đào Chuyên",
    ),
    Ethnicity.KINH: (
        "Nguyễn Trần Lê Phạm Hoàng Vũ Đỗ Bùi Ngô Đặng Phan Đinh",
        "Văn Đức Minh Quang Xuân Hữu",
        "Thị Thị Thu Ngọc Thanh",
        "Hùng Dũng Tuấn Hải Sơn Long Thắng Quang Bình Cường Trung Hiếu Nam",
        "Lan Hoa Hương Mai Hạnh Thu Hằng Nga Dung Yến Thủy Trang",
    ),
    Ethnicity.DAO: (
        "Triệu Triệu Bàn Bàn Lý Đặng Phùng Chảo Trương",
        "Văn Văn Tòn Phù Tài Kiềm",
        "Thị Thị Mùi",
        "Phin Chài Sinh Quẩy Vần Quyến Lưu Chòi Tắc Kiêm Phụ Dào",
        "Nhất Chạn Mai Slam Phây Dình Chiêu Nải Sểnh Chang",
    ),
    Ethnicity.MONG: (
        "Giàng Lý Sùng Hoàng Vàng Thào Lầu Mua Hầu Vừ",
        "A Seo Mí Văn",
        "Thị Thị",
        "Páo Sính Chứ Tủa Lử Pó Dình Chá Sùng Chính Pềnh",
        "Mỷ Dua Pằng Say Sua Dí Mai Xí Chía",
    ),
    Ethnicity.HOA: (
        "Trương Lưu Dương Hoàng Lâm Mạc Diệp Quan",
        "Văn Quốc Vĩnh",
        "Thị Mỹ Ngọc",
        "Hòa Phát Tài Lộc Khang Thịnh",
        "Mỹ Ngọc Phương Lệ Kiều",
    ),
    Ethnicity.SAN_CHAY: (
        "Hoàng Triệu La Lâm Đàm Lục Chu",
        "Văn Văn Đức",
        "Thị Thị",
        "Khu Thiêm Chắng Sinh Mùi Thàng",
        "Hiền Lượt Phiên Chinh Nga",
    ),
}
NAMES = {group: tuple(words.split() for words in parts) for group, parts in NAMES.items()}

VILLAGE_FIRST = "Nà Khuổi Pác Cốc Phiêng Thôm Lủng Đon Khau Bó Nặm Slam".split()
VILLAGE_SECOND = "Pài Mạ Lẹng Nưa Phầy Tẩu Slưn Coóc Vài Hon Mòn Quân Tàn Pục Chang Ngòa Lạn Mu".split()

BIRTH_PROVINCE = "006"
# Where the few born outside Bắc Kạn came from: Hà Nội, Cao Bằng, Tuyên Quang, Thái Nguyên, Lạng Sơn.
OTHER_BIRTH_PROVINCES = ("001", "004", "008", "019", "020")
SHARE_BORN_ELSEWHERE = 0.08
SHARE_WITHOUT_ID = 0.04


class Population:
    """Invents people and households for one register, the same ones on every run.

    Each register seeds its own generator and draws citizen-ID serial numbers from its own
    block (or its own range of a block, from `first_serial`), so one register can be loaded
    without another and no two people share an ID.
    """

    def __init__(self, *, seed, id_block, communes, first_serial=0):
        self.rng = random.Random(f"bkxh-demo-{seed}")
        self.id_block = id_block
        self.serial = first_serial
        self.communes = communes
        # The town's wards and communes less often than the poorer rural districts.
        self.commune_weights = list(itertools.accumulate(0.4 if c.parent.code == "058" else 1 for c in communes))

    def commune(self, districts=None):
        """A commune, within `districts` (codes) when given."""
        while True:
            commune = self.rng.choices(self.communes, cum_weights=self.commune_weights)[0]
            if not districts or commune.parent.code in districts:
                return commune

    def ethnicity(self, commune):
        mix = DISTRICT_MIX.get(commune.parent.code, THAI_NGUYEN_MIX)
        return self.rng.choices(list(mix), list(mix.values()))[0]

    def name(self, ethnicity, female):
        family, middle_m, middle_f, given_m, given_f = NAMES[ethnicity]
        middle, given = (middle_f, given_f) if female else (middle_m, given_m)
        return " ".join((self.rng.choice(family), self.rng.choice(middle), self.rng.choice(given)))

    def citizen_id(self, female, birth_year):
        if self.rng.random() < SHARE_WITHOUT_ID:
            return ""
        born_elsewhere = self.rng.random() < SHARE_BORN_ELSEWHERE
        province = self.rng.choice(OTHER_BIRTH_PROVINCES) if born_elsewhere else BIRTH_PROVINCE
        self.serial += 1
        serial = f"{self.id_block}{self.serial:05d}"
        return f"{province}{gender_century_digit(female=female, birth_year=birth_year)}{birth_year % 100:02d}{serial}"

    def person(self, *, commune, birth_year, female=None):
        """An unsaved Person; old people's registers often know only the year of birth."""
        female = self.rng.random() < 0.5 if female is None else female
        ethnicity = self.ethnicity(commune)
        birth_date = None
        if birth_year >= 1940 or self.rng.random() < 0.5:
            birth_date = datetime.date(birth_year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        person = Person(
            full_name=self.name(ethnicity, female),
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_year=birth_year,
            birth_date=birth_date,
            ethnicity=ethnicity,
            citizen_id=self.citizen_id(female, birth_year),
            commune=commune,
        )
        person.set_derived_fields()
        return person

    def head_of(self, household):
        """An unsaved Person to head `household`; the household is set once it is saved."""
        return self.person(
            commune=household.commune, birth_year=self.rng.randint(1950, 2000), female=self.rng.random() < 0.2
        )

    def village(self):
        kind = self.rng.choice(("Thôn", "Bản"))
        return f"{kind} {self.rng.choice(VILLAGE_FIRST)} {self.rng.choice(VILLAGE_SECOND)}"

    def household(self, *, commune, number, size, poverty_status, certificate_year=None):
        """An unsaved Household with a commune household code: commune code, block, number."""
        return Household(
            code=f"{commune.code}-{self.id_block}{number:04d}",
            commune=commune,
            address=self.village(),
            size=size,
            poverty_status=poverty_status,
            certificate_year=certificate_year,
        )

    def sizes(self, count, total, *, smallest=1, largest=9):
        """`count` household sizes between the bounds, adding up to exactly `total`."""
        sizes = [min(largest, max(smallest, round(self.rng.gauss(total / count, 1.6)))) for _ in range(count)]
        gap = total - sum(sizes)
        while gap:
            index, step = self.rng.randrange(count), 1 if gap > 0 else -1
            if smallest <= sizes[index] + step <= largest:
                sizes[index] += step
                gap -= step
        return sizes

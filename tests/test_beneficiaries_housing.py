"""Housing support through the admin: poor and near-poor households, once per funding source."""

import datetime

from beneficiaries.models import HousingSupport, PovertyStatus
from tests.admin_forms import AdminFormTestCase
from tests.factories import default_commune, make_commune, make_household, make_housing_support


class HousingSupportFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune = default_commune()
        cls.household = make_household(code="H-01", commune=cls.commune, poverty_status=PovertyStatus.POOR)

    def support(self, **changes):
        return {
            "household": self.household,
            "commune": self.commune,
            "year": 2024,
            "funding_source": "sponsor",
            "sponsor": "MB Bank",
            "round": 5,
            "work": "new",
            "amount_vnd": "50.000.000",
            "started_on": datetime.date(2024, 4, 1),
            "status": "building",
            **changes,
        }

    def test_a_house_for_a_poor_household_is_saved(self):
        self.assertSaved(self.add(HousingSupport, **self.support()))
        self.assertEqual(HousingSupport.objects.get().amount_vnd, 50_000_000)

    def test_a_second_support_from_the_same_funding_source_is_refused(self):
        make_housing_support(household=self.household, funding_source="sponsor", sponsor="Bảo Việt")
        self.assertAddRefused(HousingSupport, "Hộ này đã được hỗ trợ nhà ở từ nguồn này.", **self.support())

    def test_a_support_from_another_funding_source_is_saved(self):
        make_housing_support(household=self.household, funding_source="ntp", sponsor="")
        self.assertSaved(self.add(HousingSupport, **self.support()))

    def test_a_household_that_is_neither_poor_nor_near_poor_is_refused(self):
        well_off = make_household(code="H-02", commune=self.commune, poverty_status=PovertyStatus.NONE)
        self.assertAddRefused(
            HousingSupport,
            "Chỉ hộ nghèo hoặc hộ cận nghèo được hỗ trợ nhà ở.",
            **self.support(household=well_off),
        )

    def test_a_near_poor_household_is_saved(self):
        near_poor = make_household(code="H-03", commune=self.commune, poverty_status=PovertyStatus.NEAR_POOR)
        self.assertSaved(self.add(HousingSupport, **self.support(household=near_poor)))

    def test_a_completed_house_without_its_completion_date_is_refused(self):
        self.assertAddRefused(
            HousingSupport, "Nhà đã hoàn thành phải có ngày hoàn thành.", **self.support(status="completed")
        )

    def test_a_house_completed_before_it_was_started_is_refused(self):
        self.assertAddRefused(
            HousingSupport,
            "Ngày hoàn thành không được trước ngày khởi công.",
            **self.support(status="completed", completed_on=datetime.date(2024, 3, 1)),
        )

    def test_a_sponsored_house_without_the_sponsors_name_is_refused(self):
        self.assertAddRefused(HousingSupport, "Hãy ghi tên nhà tài trợ.", **self.support(sponsor=""))

    def test_no_amount_is_refused(self):
        self.assertAddRefused(HousingSupport, "Số tiền phải lớn hơn 0 đồng.", **self.support(amount_vnd="0"))

    def test_a_negative_amount_is_refused(self):
        self.assertAddRefused(HousingSupport, "Số tiền phải lớn hơn 0 đồng.", **self.support(amount_vnd="-40.000.000"))

    def test_a_commune_other_than_the_households_is_refused(self):
        neighbour = make_commune(parent=self.commune.parent, code="01861", name="Xã Nhạn Môn")
        self.assertAddRefused(HousingSupport, "Hộ gia đình này ở xã khác.", **self.support(commune=neighbour))

    def test_completing_a_house_without_a_date_is_refused_and_the_entry_is_unchanged(self):
        support = make_housing_support(household=self.household, started_on=datetime.date(2024, 4, 1))
        self.assertChangeRefused(support, "Nhà đã hoàn thành phải có ngày hoàn thành.", status="completed")

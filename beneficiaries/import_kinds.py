"""The lists communes and districts exchange: people, households, decisions and each register.

Every kind keys its rows on business keys (citizen ID or name + birth year + commune for a
person, household code within its commune, round code, decision number and date …), never on
database ids, so importing the same file twice changes nothing. The Vietnamese headers are part
of the file format staff exchange, not translations of the interface.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from areas.models import AdminUnit
from beneficiaries.import_lookups import (
    CitizenIdHeldOutside,
    DecisionOfRow,
    HouseholdOfRow,
    MaskedCitizenIdOfRow,
    PersonOfRow,
    birth_date_column,
    person_columns,
)
from beneficiaries.models import (
    AdmissionDossier,
    Decision,
    ElderlyVisit,
    FuneralAllowance,
    Household,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    Person,
    RecordAmendment,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
    WorshipAllowance,
)
from beneficiaries.models.people import duplicate_key
from beneficiaries.models.rice import over_allocation
from imports import cells
from imports.checking import Problem
from imports.kinds import ByCode, Column, Kind, matching, register
from imports.units import UnitOfYear
from imports.writing import WriteError

COMMUNES = (AdminUnit.Level.COMMUNE,)


def year_column(header="Năm"):
    return Column("year", header)


def commune_column(date_of=None):
    """The commune of a row, read on the row's date when `date_of(row)` gives one (see UnitOfYear)."""
    return Column("commune_code", "Mã xã", field="commune", lookup=UnitOfYear(levels=COMMUNES, date_of=date_of))


def field_of_row(name):
    """date_of for a file whose column filling field `name` holds the day of the row's event."""
    return lambda row: row.by_field.get(name)


def note_column():
    return Column("note", "Ghi chú", required=False)


def year_of_unit(unit):
    """A year in which `unit` was in force, for files that give a commune without a year of
    their own: the current year, or the unit's last year if it has ceased since."""
    year = timezone.localdate().year
    if unit.valid_to is not None:
        year = min(year, unit.valid_to.year)
    if unit.valid_from is not None:
        year = max(year, unit.valid_from.year)
    return year


class UnitYearColumnMixin:
    """For a kind whose only year is the one its commune codes are read in."""

    def export_value(self, column, instance):
        if column.name == "year":
            return year_of_unit(instance.commune)
        return super().export_value(column, instance)


@register
class People(UnitYearColumnMixin, Kind):
    """A person is matched on the citizen ID, or without one on name, year of birth and commune."""

    name = "people"
    label = gettext_lazy("people")
    model = Person
    key = ("citizen_id",)
    # The citizen ID is unique only where it is given (the model's constraint has a condition).
    matched_by = "the citizen ID; without one, the name, year of birth and commune (Person.duplicate_key)"
    derived_fields = ("full_name", "search_name", "duplicate_key")
    resolvers = (MaskedCitizenIdOfRow(), CitizenIdHeldOutside())
    columns = (
        Column("year", "Năm", field="", parser=cells.year),
        Column("commune_code", "Mã xã", field="commune", lookup=UnitOfYear(levels=COMMUNES)),
        Column("full_name", "Họ và tên"),
        Column("gender", "Giới tính"),
        Column("birth_year", "Năm sinh", required=False),
        Column("citizen_id", "Số CCCD"),
        Column("ethnicity", "Dân tộc", required=False),
        Column("household_code", "Mã hộ", field="household", lookup=HouseholdOfRow(), required=False),
        note_column(),
        Column("birth_date", "Ngày sinh", required=False, export=False),
    )
    one_of = (("birth_year", "birth_date"),)
    example = {
        "year": 2024,
        "commune_code": "01858",
        "full_name": "Hoàng Thị Mai",
        "gender": "Nữ",
        "birth_year": 1934,
        "citizen_id": "006134000123",
        "ethnicity": "Tày",
    }

    def field_values(self, row, present):
        values = super().field_values(row, present)
        if values.get("birth_year") is None and values.get("birth_date"):
            values["birth_year"] = values["birth_date"].year
        return values

    def key_of(self, row):
        if row.header_of(self.column("citizen_id")) in {problem.column for problem in row.problems}:
            return None  # an ID refused before the comparison (masked in vain, held outside the units) matches no one
        if row.by_field.get("citizen_id"):
            return ("citizen_id", row.by_field["citizen_id"])
        birth_date = row.by_field.get("birth_date")
        birth_year = row.by_field.get("birth_year") or (birth_date.year if birth_date else None)
        if not row.by_field.get("full_name") or not birth_year or row.by_field.get("commune") is None:
            return None
        return ("key", duplicate_key(row.by_field["full_name"], birth_year, row.by_field["commune"].pk))

    def stored_records(self, keys):
        stored = {}
        for kind_of_key, field, lookup in (
            ("citizen_id", "citizen_id", {}),
            ("key", "duplicate_key", {"citizen_id": ""}),
        ):
            wanted = {value for kind, value in keys if kind == kind_of_key}
            for person in matching(self.queryset().filter(**lookup), field, wanted):
                stored[(kind_of_key, getattr(person, field))] = person
        return stored

    def prepare(self, instance):
        instance.set_derived_fields()


@register
class Households(UnitYearColumnMixin, Kind):
    name = "households"
    label = gettext_lazy("households")
    model = Household
    key = ("commune", "code")
    columns = (
        Column("year", "Năm", field="", parser=cells.year),
        Column("commune_code", "Mã xã", field="commune", lookup=UnitOfYear(levels=COMMUNES)),
        Column("household_code", "Mã hộ", field="code"),
        Column("address", "Thôn, bản", required=False),
        Column("size", "Số nhân khẩu"),
        Column("poverty_status", "Diện hộ", required=False),
        Column("certificate_year", "Năm công nhận", required=False),
    )
    example = {
        "year": 2024,
        "commune_code": "01858",
        "household_code": "BT-0012",
        "address": "Thôn Nà Mằm",
        "size": 4,
        "poverty_status": "Hộ nghèo",
        "certificate_year": 2023,
    }


@register
class Decisions(Kind):
    name = "decisions"
    label = gettext_lazy("decisions")
    model = Decision
    key = ("number", "date")
    columns = (
        Column("number", "Số quyết định"),
        Column("date", "Ngày ký"),
        Column("issuer", "Cơ quan ban hành"),
        Column("summary", "Trích yếu", required=False),
    )
    example = {
        "number": "1234/QĐ-UBND",
        "date": datetime.date(2024, 3, 15),
        "issuer": "UBND tỉnh Bắc Kạn",
        "summary": "Hỗ trợ gạo dịp Tết Nguyên đán",
    }


PERSON_EXAMPLE = {
    "year": 2024,
    "commune_code": "01858",
    "full_name": "Hoàng Thị Mai",
    "gender": "Nữ",
    "birth_year": 1934,
    "citizen_id": "006134000123",
}


class PersonRegister(Kind):
    """A register about people. Its file has the year, the commune, the person's columns (the
    person found or added) and the note; a subclass declares only the columns of its own, those
    that come before the person's (`leading_columns`) and after (`own_columns`)."""

    person_field = "person"
    year_header = "Năm"
    leading_columns = ()
    own_columns = ()
    own_example = {}
    one_of = (("birth_year", "birth_date"),)
    # The day of a row's event (its commune is read as the one in force that day): the model's
    # event_date_field unless the kind says otherwise.
    date_of_row = None

    def __init__(self):
        event_date_field = self.model.event_date_field
        date_of = self.date_of_row or (field_of_row(event_date_field) if event_date_field else None)
        self.columns = (
            year_column(self.year_header),
            commune_column(date_of),
            *self.leading_columns,
            *person_columns(),
            *self.own_columns,
            note_column(),
            birth_date_column(),
        )
        self.example = {**PERSON_EXAMPLE, **self.own_example}
        self.resolvers = (PersonOfRow(self.person_field), *self.resolvers)
        self.related_fields = {Person: self.person_field, **self.related_fields}
        super().__init__()


@register
class LongevityGifts(PersonRegister):
    name = "longevity_gifts"
    label = gettext_lazy("longevity gifts")
    model = LongevityGift
    # The year too: past 100 a person is given a gift every year.
    key = ("person", "milestone", "year")
    own_columns = (
        Column("milestone", "Mốc tuổi"),
        Column("cash_vnd", "Tiền mặt (đồng)", required=False),
        Column("in_kind_vnd", "Hiện vật (đồng)", required=False),
        Column("gift_date", "Ngày tặng", required=False),
    )
    own_example = {
        "milestone": "90",
        "cash_vnd": Decimal(500000),
        "in_kind_vnd": Decimal(200000),
        "gift_date": datetime.date(2024, 6, 6),
    }


@register
class ElderlyVisits(PersonRegister):
    name = "elderly_visits"
    label = gettext_lazy("visits to elderly people")
    model = ElderlyVisit
    key = ("person", "year")
    own_columns = (Column("visited_on", "Ngày thăm"), Column("gift_vnd", "Quà tặng (đồng)", required=False))
    own_example = {"visited_on": datetime.date(2024, 10, 15), "gift_vnd": Decimal(500000)}


@register
class MedicalReferrals(PersonRegister):
    name = "medical_referrals"
    label = gettext_lazy("medical assessment referrals")
    model = MedicalReferral
    key = ("person", "referred_on")
    own_columns = (Column("referred_on", "Ngày giới thiệu"), Column("condition", "Bệnh, tật đề nghị giám định"))
    own_example = {"referred_on": datetime.date(2024, 4, 2), "condition": "Phơi nhiễm chất độc hóa học"}


@register
class AdmissionDossiers(PersonRegister):
    name = "admission_dossiers"
    label = gettext_lazy("admission dossiers")
    model = AdmissionDossier
    key = ("person", "received_on")
    own_columns = (
        Column("received_on", "Ngày nhận hồ sơ"),
        Column("appraised_on", "Ngày thẩm định", required=False),
        Column("result", "Kết quả", required=False),
    )
    own_example = {"received_on": datetime.date(2024, 6, 3), "result": "Đang thẩm định"}


@register
class FuneralAllowances(PersonRegister):
    name = "funeral_allowances"
    label = gettext_lazy("funeral allowances")
    model = FuneralAllowance
    person_field = "deceased"
    key = ("deceased",)
    year_header = "Năm giải quyết"
    own_columns = (
        Column("category", "Đối tượng"),
        Column("date_of_death", "Ngày mất"),
        Column("recipient_name", "Người nhận"),
        Column("amount_vnd", "Số tiền (đồng)"),
    )
    own_example = {
        "full_name": "Nông Văn Tư",
        "gender": "Nam",
        "birth_year": 1930,
        "citizen_id": "006030000456",
        "category": "Người có công",
        "date_of_death": datetime.date(2024, 3, 2),
        "recipient_name": "Nông Thị Hoa",
        "amount_vnd": Decimal(18000000),
    }


@register
class WorshipAllowances(PersonRegister):
    name = "worship_allowances"
    label = gettext_lazy("martyr worship allowances")
    model = WorshipAllowance
    person_field = "worshipper"
    key = ("martyr_record", "valid_from")
    leading_columns = (Column("martyr_name", "Họ tên liệt sĩ"), Column("martyr_record", "Số hồ sơ liệt sĩ"))
    own_columns = (
        Column("yearly_amount_vnd", "Số tiền hằng năm (đồng)"),
        Column("valid_from", "Hưởng từ ngày"),
        Column("valid_to", "Đến ngày", required=False),
    )
    own_example = {
        "martyr_name": "Hoàng Văn Lợi",
        "martyr_record": "LS-0612",
        "yearly_amount_vnd": Decimal(1000000),
        "valid_from": datetime.date(2024, 1, 1),
    }


@register
class RecordAmendments(PersonRegister):
    name = "record_amendments"
    label = gettext_lazy("record amendments")
    model = RecordAmendment
    key = ("person", "decision")
    related_fields = {Decision: "decision"}
    resolvers = (DecisionOfRow(),)
    # The decision's date (RecordAmendment.event_date), read before the decision is looked up.
    date_of_row = staticmethod(lambda row: row.by_column.get("decision_date"))
    own_columns = (
        Column("decision_number", "Số quyết định", field="number", of=Decision),
        Column("decision_date", "Ngày quyết định", field="date", of=Decision),
        Column("change", "Nội dung sửa đổi"),
    )
    own_example = {
        "decision_number": "1234/QĐ-UBND",
        "decision_date": datetime.date(2024, 3, 15),
        "change": "Sửa năm sinh từ 1935 thành 1934",
    }


@register
class HousingSupports(Kind):
    name = "housing_support"
    label = gettext_lazy("housing support")
    model = HousingSupport
    key = ("household", "funding_source")
    example = {
        "year": 2024,
        "commune_code": "01858",
        "household_code": "BT-0012",
        "funding_source": "Nhà tài trợ",
        "sponsor": "Ngân hàng TMCP Quân đội (MB)",
        "round": 5,
        "work": "Xây mới",
        "amount_vnd": Decimal(60000000),
        "status": "Đã hoàn thành",
        "started_on": datetime.date(2024, 5, 10),
        "completed_on": datetime.date(2024, 8, 20),
    }
    columns = (
        year_column(),
        commune_column(),
        Column("household_code", "Mã hộ", field="household", lookup=HouseholdOfRow()),
        Column("funding_source", "Nguồn kinh phí"),
        Column("sponsor", "Nhà tài trợ", required=False),
        Column("round", "Đợt", required=False),
        Column("work", "Hình thức", required=False),
        Column("amount_vnd", "Số tiền (đồng)"),
        Column("started_on", "Ngày khởi công", required=False),
        Column("completed_on", "Ngày hoàn thành", required=False),
        Column("status", "Tình trạng", required=False),
        note_column(),
    )


@register
class RiceReliefRounds(Kind):
    name = "rice_relief_rounds"
    label = gettext_lazy("rice relief rounds")
    model = RiceReliefRound
    key = ("code",)
    example = {
        "code": "2024-tet",
        "year": 2024,
        "occasion": "Tết Nguyên đán",
        "area_code": "06",
        "distribution_date": datetime.date(2024, 1, 25),
        "months": 1,
        "kg_allocated": Decimal(120000),
    }
    columns = (
        Column("code", "Mã đợt"),
        year_column(),
        Column("occasion", "Dịp hỗ trợ"),
        Column("disaster_name", "Tên thiên tai", required=False),
        Column("area_code", "Mã địa bàn", field="area", lookup=UnitOfYear(date_of=field_of_row("distribution_date"))),
        Column("distribution_date", "Ngày cấp phát"),
        Column("months", "Số tháng", required=False),
        Column("kg_allocated", "Số gạo phân bổ (kg)"),
        note_column(),
    )


@register
class RiceReliefLines(Kind):
    """The lines of a file must together stay within each round's allocation, with the round's
    lines already on file: the model's rule (over_allocation) for the file's lines at once, so
    each row is checked without it. The rounds are locked, as the model locks them, while the
    lines are written."""

    name = "rice_relief_lines"
    label = gettext_lazy("rice relief lines")
    model = RiceReliefLine
    key = ("round", "household")
    columns = (
        Column("round_code", "Mã đợt", field="round", lookup=ByCode(RiceReliefRound, "code")),
        Column(
            "commune_code",
            "Mã xã",
            field="commune",
            lookup=UnitOfYear(
                levels=COMMUNES,
                year_of=lambda row: getattr(row.by_field.get("round"), "year", None),
                date_of=lambda row: getattr(row.by_field.get("round"), "distribution_date", None),
            ),
        ),
        Column("household_code", "Mã hộ", field="household", lookup=HouseholdOfRow()),
        Column("persons", "Số khẩu"),
        Column("kg", "Số gạo (kg)"),
    )

    example = {
        "round_code": "2024-tet",
        "commune_code": "01858",
        "household_code": "BT-0012",
        "persons": 4,
        "kg": Decimal(60),
    }

    rows_checked_together = True
    # before_write locks the rounds and checks their allocation over every line of the file.
    written_while_checked = False

    def check_together(self, result):
        for message in over_allocation(self._lines(result), lock=False):
            result.file_problems.append(Problem(message))

    def before_write(self, result):
        super().before_write(result)
        # Under the rounds' locks, as the model takes them, so an admin save waits for the import.
        problems = over_allocation(self._lines(result))
        if problems:
            raise WriteError(" ".join(problems))

    @staticmethod
    def _lines(result):
        return [instance for _row, instance in result.new] + [change.instance for change in result.changed]


@register
class TrainingClasses(Kind):
    name = "training_classes"
    label = gettext_lazy("training classes")
    model = TrainingClass
    key = ("year", "area", "title")
    example = {
        "title": "Nâng cao năng lực cán bộ giảm nghèo cấp xã",
        "year": 2024,
        "area_code": "06",
        "level": "Cán bộ cấp xã",
        "starts_on": datetime.date(2024, 9, 9),
        "ends_on": datetime.date(2024, 9, 11),
        "place": "Thành phố Bắc Kạn",
        "participants": 112,
    }
    columns = (
        Column("title", "Tên lớp"),
        year_column(),
        Column("area_code", "Mã địa bàn", field="area", lookup=UnitOfYear(date_of=field_of_row("starts_on"))),
        Column("level", "Đối tượng"),
        Column("starts_on", "Từ ngày"),
        Column("ends_on", "Đến ngày"),
        Column("place", "Địa điểm"),
        Column("participants", "Số học viên"),
        note_column(),
    )

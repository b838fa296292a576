"""The files of yearly figures districts and communes send: one row per indicator, year and area."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from imports.kinds import ByCode, Column, Kind, register
from imports.units import UnitOfYear
from indicators.models import Indicator, IndicatorValue


@register
class IndicatorValues(Kind):
    """A file without the plan column leaves the stored plans as they are; the same for actual."""

    name = "indicator_values"
    label = _("indicator values")
    model = IndicatorValue
    key = ("indicator", "year", "area")
    # The headers are part of the file format staff exchange, not translations of the UI.
    columns = (
        Column("indicator_code", "Mã chỉ tiêu", field="indicator", lookup=ByCode(Indicator, "code")),
        Column("year", "Năm"),
        Column("area_code", "Mã địa bàn", field="area", lookup=UnitOfYear()),
        Column("plan", "Kế hoạch", required=False),
        Column("actual", "Thực hiện", required=False),
        Column("note", "Ghi chú", required=False),
    )
    example = {
        "indicator_code": "jobs_created",
        "year": 2024,
        "area_code": "060",
        "plan": Decimal("6400"),
        "actual": Decimal("7000"),
        "note": "",
    }

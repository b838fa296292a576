"""The narrative sections of a report, as headings and paragraphs, for every format it prints in.

    for heading, paragraphs in narrative_sections(report):   # indicators.reports.AnnualReport
        ...                                                    # "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", [str]
    figures_heading(sections)                                  # "V. BIỂU TỔNG HỢP CÁC CHỈ TIÊU"

The page (templates/reports/annual_report.html) and the files built from the report read the
same sections, so they number them alike: I. is the results bkxh computes; the sections staff
wrote follow, numbered on, each only when it has text; the table of indicators comes last, with
the next number (II. in a report without narrative, as it always printed).
"""

from django.utils.translation import gettext as _

from bkxh.templatetags.vn_format import roman
from reports.models import ReportNarrative

# The first number after "I. Results".
FIRST_NUMBER = 2
# narrative_sections() called without a narrative reads the report's.
_READ = object()


def narrative_of(report):
    """The ReportNarrative of `report` (its year, area and agency), or None: none written yet,
    or a report without an agency, which is not issued and has none. One query."""
    if report.agency is None:
        return None
    # One at most (a unique constraint): its admin ordering would join the areas and agencies.
    narratives = ReportNarrative.objects.filter(year=report.year, area=report.area, agency=report.agency)
    return narratives.order_by().first()


def paragraphs(text):
    """The paragraphs of a section as typed: each line one, blank lines between them dropped,
    with their surrounding spaces. Plain text: what it holds is printed as it is, never as HTML."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def narrative_sections(report, narrative=_READ):
    """[(heading, [paragraph])]: the sections of `narrative` (read for `report` when not given;
    None when it has none) that have text, in their order, each heading numbered (II., III., …)
    in capitals as "I. KẾT QUẢ THỰC HIỆN" is; [] for a report without narrative."""
    if narrative is _READ:
        narrative = narrative_of(report)
    if narrative is None:
        return []
    titles = [
        (narrative.shortcomings, _("SHORTCOMINGS, LIMITATIONS AND THEIR CAUSES")),
        (narrative.directions, _("DIRECTIONS AND TASKS FOR %(year)s") % {"year": report.year + 1}),
        (narrative.recommendations, _("RECOMMENDATIONS AND PROPOSALS")),
    ]
    written = [(title, paragraphs(text)) for text, title in titles if paragraphs(text)]
    return [(f"{roman(number)}. {title}", lines) for number, (title, lines) in enumerate(written, start=FIRST_NUMBER)]


def figures_heading(sections):
    """The heading of the table of indicators, numbered after `sections` (narrative_sections)."""
    return _("%(number)s. TABLE OF INDICATORS") % {"number": roman(FIRST_NUMBER + len(sections))}

"""The sentence the report writes for each of its lines: "Toàn tỉnh giải quyết việc làm
7.000/6.400 người, đạt 109,4% kế hoạch, tăng 5,3% so với năm 2023 (…)."

The page prints one for every line and its DOCX the same ones (reports.documents): a template
tag in Python, not an included template, because a province's report writes some twenty of
them on its first view and the template language took about 140 µs for each (a tenth of the
page). The words are the catalogue's (locale/vi), each variable is rendered as a template
renders it (escaped, localized), and the markup is that of the template it replaced.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bkxh.templatetags.vn_format import vn_number, vn_percent
from reports.templatetags.figure_links import figure_text

register = template.Library()


@register.simple_tag(takes_context=True)
def report_sentence(context, line, area, previous_year):
    """The sentence of `line` (indicators.reports.Line) in the report on `area`, compared with
    `previous_year` (None: not compared), its figures linked to their rows where the context's
    figure_links has them (reports.explain)."""
    return sentence_html(line, area, previous_year, context.get("figure_links"), context)


def sentence_html(line, area, previous_year, links, context):
    """report_sentence's HTML, with `context` (a template Context) for how values render."""

    def rendered(value):
        return render_value_in_context(value, context)

    words = {"area": rendered(area.whole_area_phrase), **_words(line, links, rendered)}
    if line.plan is not None:
        text = _("%(area)s %(phrase)s %(actual)s/%(plan)s %(unit)s, achieving %(percent)s of the plan") % words
    else:
        text = _("%(area)s %(phrase)s %(actual)s %(unit)s") % words
    if previous_year and line.trend:
        text += _comparison(line, previous_year, rendered)
    # The sentence and its comparison, trimmed, with no space left between two tags.
    text = strip_spaces_between_tags(text.strip())
    if line.parts:
        text += f" ({'; '.join(_part(part, links, rendered) for part in line.parts)})"
    for child in line.planned_children:
        words = _words(child, links, rendered)
        text += _(", of which %(phrase)s %(actual)s/%(plan)s %(unit)s, achieving %(percent)s of the plan") % words
    return mark_safe(f"{text}.\n")


def _words(line, links, rendered):
    """The words a sentence says of `line`: its phrase, actual and unit, and its plan and percent
    when it has a plan; each figure a link to its rows where `links` has one."""
    words = {
        "phrase": rendered(line.indicator.sentence_phrase),
        "actual": rendered(figure_text(links, line, "actual", vn_number(line.actual))),
        "unit": rendered(line.indicator.unit),
    }
    if line.plan is not None:
        words["plan"] = rendered(figure_text(links, line, "plan", vn_number(line.plan)))
        words["percent"] = rendered(vn_percent(line.percent))
    return words


def _comparison(line, previous_year, rendered):
    """ ", tăng 5,3% so với năm 2023": the change against the year before; in units when the year
    before was nought."""
    year = rendered(previous_year)
    if line.trend == "same":
        return _(", the same as in %(year)s") % {"year": year}
    if line.change_percent is not None:
        change = {"year": year, "percent": rendered(vn_percent(line.change_percent))}
        if line.trend == "up":
            return _(", up %(percent)s on %(year)s") % change
        return _(", down %(percent)s on %(year)s") % change
    amount = {"year": year, "amount": rendered(vn_number(line.change_amount)), "unit": rendered(line.indicator.unit)}
    return _(", up %(amount)s %(unit)s on %(year)s") % amount


def _part(part, links, rendered):
    """ "cao đẳng: 7" (a breakdown in brackets), with its unit for a "detail" line."""
    indicator = part.indicator
    figure = figure_text(links, part, "actual", vn_number(part.actual))
    text = f"{rendered(indicator.short_name or indicator.name)}: {rendered(figure)}"
    if indicator.relation == "detail":
        text += f" {rendered(indicator.unit)}"
    return text

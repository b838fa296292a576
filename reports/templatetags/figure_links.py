"""The screen's link from a figure of the report's table to the rows behind it (reports.explain)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure_link(links, line, figure):
    """The link of `figure` ("plan" or "actual") of `line`, or nothing: an empty anchor laid over
    its table cell on screen (static/css/report.css), marked no-print, so that the cell's text,
    the print and the PDF stay as they were."""
    url = (links or {}).get((line.indicator.pk, figure))
    if not url:
        return ""
    label = _("%(indicator)s: the rows behind this figure") % {"indicator": line.indicator.name}
    return format_html('<a class="figure-rows no-print" href="{}" title="{}" aria-label="{}"></a>', url, label, label)


@register.simple_tag
def figure_text(links, line, figure, text):
    """`text`, a figure of `line` as a sentence of the report prints it, with the table's link
    laid over it on screen (figure_link's anchor, hidden on paper: the printed sentence, its
    PDF's text and links, are as they were); without a link (the files, a figure without rows)
    the text alone."""
    anchor = figure_link(links, line, figure)
    if not anchor:
        return text
    return format_html('<span class="figure-text">{}{}</span>', text, anchor)

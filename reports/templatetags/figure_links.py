"""The screen's link from a figure of the report's table to the rows behind it (reports.explain)."""

from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=1024)
def _label(language, indicator_name):
    """The links' label, escaped once for the attributes it fills (format_html then only checks
    it). A page writes some hundred links, three to an indicator, all with the same label: it is
    kept for each language and name rather than translated and escaped again each time."""
    return escape(_("%(indicator)s: the rows behind this figure") % {"indicator": indicator_name})


def _link(links, line, figure):
    """The address of the rows behind `figure` of `line` and the link's label, or None."""
    url = links.get((line.indicator.pk, figure)) if links else None
    if not url:
        return None
    return url, _label(get_language(), line.indicator.name)


@register.simple_tag
def figure_link(links, line, figure):
    """The link of `figure` ("plan" or "actual") of `line`, or nothing: an empty anchor laid over
    its table cell on screen (static/css/report.css), marked no-print, so that the cell's text,
    the print and the PDF stay as they were."""
    link = _link(links, line, figure)
    if link is None:
        return ""
    url, label = link
    return format_html('<a class="figure-rows no-print" href="{}" title="{}" aria-label="{}"></a>', url, label, label)


@register.simple_tag
def figure_text(links, line, figure, text):
    """`text`, a figure of `line` as a sentence of the report prints it, as a link on screen to
    the rows behind it (the table cell's address) and as the text alone on paper: the link is
    marked no-print, and a copy of the text that only the print shows stands in for it, so the
    printed sentence and its PDF (no link annotation) are as they were, and the screen's text
    too (an empty anchor laid over it would part it from the words around it). Without a link
    (the files, a figure without rows) the text alone."""
    link = _link(links, line, figure)
    if link is None:
        return text
    url, label = link
    return format_html(
        '<span class="figure-text"><a class="figure-link no-print" href="{}" title="{}">{}</a>'
        '<span class="figure-printed">{}</span></span>',
        url,
        label,
        text,
        text,
    )

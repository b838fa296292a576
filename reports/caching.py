"""The report's page and files served again while nothing they show can have changed (README,
"Reports under load").

Every entry is keyed on the generation of the data the report reads (reports.generations: its
year, the year before, whose actuals it compares, the year after, whose plans it prints, and the
data of no year), read before the data: a write to any of them makes the entry unreachable.
Three kinds of entries, in Django's cache (settings.CACHES):

- the report (indicators.reports.AnnualReport) of an area, agency and sectors: its figures
  depend on no user, so every user who may open it shares it;
- the page's HTML, for one address (path and query string), language, day (the date line) and
  authority: the user's permissions (whole citizen IDs among them), superuser, staff and active
  flags and the units of their scope, which are all the page's links and buttons depend on
  (the figure links, issuing, writing the narrative). The page has no form, no user's name and
  no message, so a user's page is the page of every user with the same authority. Only pages
  answered 200 to a GET are kept: a refusal (PermissionDenied, 404) is decided again each time;
- a file's bytes (DOCX, XLSX, PDF) of an area and agency, for one day and language, served after
  the request's own checks (reports.views.report_page): a file prints no link.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from accounts.scope import home_unit, scope_of
from reports.charts import HISTORY_YEARS
from reports.generations import generation_of


def _key(kind, *parts):
    return f"bkxh:report-{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _cached(key, make):
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, settings.BKXH_REPORT_CACHE_SECONDS)
    return value


def generation(year):
    """The generation of the data a report of `year` reads (reports.generations): its year and
    the years before that its charts' annex draws (reports.charts.HISTORY_YEARS; the year before
    is the comparison's), the year after (its plans) and the data of no year. Read before
    anything else of the request, so that what is kept under it is at least as new."""
    return generation_of(tuple(range(year - HISTORY_YEARS + 1, year + 2)))


# How long a user's units and permissions are kept at most (standing_of): every change to them
# moves the generation on; this bounds one a path of the future might not say.
STANDING_SECONDS = 300


def standing_of(user, generation):
    """(authority, the code of the unit `user`'s pages open on, or None for the whole province).

    The authority is what a page may show the user depends on: their flags, permissions and the
    units of their scope (None: every unit); an active superuser holds every permission without
    reading them. The flags are the request's own user's; the permissions, the units and the
    opening unit are kept for the user and the generation of the data of no year, which a change
    to the units, to the successions, to a user's units, roles or permissions moves on
    (bkxh.records, accounts.models.note_authority), for STANDING_SECONDS at most."""
    flags = (user.is_active, user.is_staff, user.is_superuser)
    if user.is_active and user.is_superuser:
        return (*flags, None, None), None
    key = _key("standing", user.pk, generation[0])
    kept = cache.get(key)
    if kept is None:
        scope = scope_of(user)
        home = None if scope.is_whole_province else home_unit(user)
        units = None if scope.unit_ids is None else tuple(sorted(scope.unit_ids))
        kept = (tuple(sorted(user.get_all_permissions())), units, home.code if home else None)
        cache.set(key, kept, STANDING_SECONDS)
    permissions, units, home_code = kept
    return (*flags, permissions, units), home_code


def page(request, generation, make):
    """The response of the report page at `request`'s address, from the cache or from `make()`,
    which is kept when it answers 200. Only a GET: the admin's permissions, which the page's
    links ask, differ for a POST."""
    if request.method != "GET":
        return make()
    authority, home_code = standing_of(request.user, generation)
    # The area it opens on: the address's, else the user's own unit (reports.views._area_code).
    area_code = request.GET.get("area") or home_code
    key = _key(
        "page",
        request.path,
        # As the page's links repeat it, in its order.
        request.GET.urlencode(),
        area_code,
        get_language(),
        timezone.localdate().isoformat(),
        generation,
        authority,
    )
    content = cache.get(key)
    if content is not None:
        return HttpResponse(content)
    response = make()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, response.content, settings.BKXH_REPORT_CACHE_SECONDS)
    return response


def _sector_ids(sectors):
    return None if sectors is None else tuple(sorted(getattr(sector, "pk", sector) for sector in sectors))


def report(*, year, area, agency, sectors, generation, make):
    """The report of `year` on `area` for `agency` and its `sectors` (None: all), from the cache
    or from `make()`."""
    key = _key("figures", year, area.pk, getattr(agency, "pk", None), _sector_ids(sectors), generation)
    return _cached(key, make)


def file(extension, report_page, generation, make, *, variant=""):
    """The bytes of the `extension` file of `report_page` (reports.views.ReportPage), from the
    cache or from `make()`; `variant` names what else the file prints (the PDF's charts annex)."""
    report = report_page.report
    key = _key(
        "file",
        extension,
        variant,
        report.year,
        report.area.pk,
        getattr(report.agency, "pk", None),
        _sector_ids(report_page.issuer.sectors if report_page.issuer else None),
        get_language(),
        timezone.localdate().isoformat(),
        generation,
    )
    return _cached(key, make)

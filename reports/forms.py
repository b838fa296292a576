"""The form that issues a report: its number, date of issue and signer."""

import re

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import IssuedReport

NUMBER = re.compile(r"^\s*(?P<sequence>[1-9][0-9]*)\s*/\s*(?P<kind>\S+)\s*$")


class IssueForm(forms.Form):
    """Checks what the issuing user typed against the report's agency: the number "125/BC-SNV"
    (its part after "/" is BC- and the agency's abbreviation; not used by the agency in the year
    of the date), a date of issue that is not in the future, nor before the report's year began,
    nor after the agency stopped issuing, nor before the version it replaces."""

    number = forms.CharField(label=gettext_lazy("Number"), max_length=50, help_text=gettext_lazy("e.g. 125/BC-SNV"))
    issued_on = forms.DateField(
        label=gettext_lazy("Date of issue"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y"),
        help_text=gettext_lazy("dd/mm/yyyy"),
    )
    signer_title = forms.CharField(label=gettext_lazy("Signer's title"), max_length=100)
    signer_name = forms.CharField(label=gettext_lazy("Signer's name"), max_length=100)

    def __init__(self, *args, report, previous=None, **kwargs):
        self.report = report
        self.previous = previous
        agency = report.agency
        initial = {"signer_title": agency.signer_title, "signer_name": agency.signer_name}
        # Today, when the agency still issues documents today; otherwise the user writes the date.
        today = timezone.localdate()
        if agency.valid_to is None or agency.valid_to >= today:
            initial["issued_on"] = today
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        invalid = _("Date of issue: write it as dd/mm/yyyy, e.g. 05/12/%(year)s.") % {"year": report.year}
        self.fields["issued_on"].error_messages["invalid"] = invalid

    @property
    def kind(self):
        return f"BC-{self.report.agency.abbreviation}"

    def clean_number(self):
        match = NUMBER.match(self.cleaned_data["number"])
        if match is None or match["kind"] != self.kind:
            raise forms.ValidationError(
                _("Number: write the number, a slash and %(kind)s, e.g. 125/%(kind)s.") % {"kind": self.kind}
            )
        return f"{match['sequence']}/{match['kind']}"

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        agency = self.report.agency
        if day > timezone.localdate():
            raise forms.ValidationError(_("Date of issue: %(date)s is in the future.") % {"date": _date(day)})
        if day.year < self.report.year:
            raise forms.ValidationError(
                _("Date of issue: the %(year)s report cannot be issued before %(year)s.") % {"year": self.report.year}
            )
        if agency.valid_to and day > agency.valid_to:
            raise forms.ValidationError(
                _("Date of issue: %(agency)s stopped issuing documents on %(date)s.")
                % {"agency": agency.name, "date": _date(agency.valid_to)}
            )
        if self.previous is not None and day < self.previous.issued_on:
            raise forms.ValidationError(
                _("Date of issue: the version it replaces, No. %(number)s, was issued on %(date)s, later than this.")
                % {"number": self.previous.number, "date": _date(self.previous.issued_on)}
            )
        return day

    def clean(self):
        cleaned = super().clean()
        number, day = cleaned.get("number"), cleaned.get("issued_on")
        if number and day:
            taken = IssuedReport.objects.filter(agency=self.report.agency, number_year=day.year, number=number)
            if taken.exists():
                self.add_error(
                    "number",
                    _("Number: %(agency)s has already issued No. %(number)s in %(year)s.")
                    % {"agency": self.report.agency.abbreviation, "number": number, "year": day.year},
                )
        return cleaned


def _date(day):
    return date_format(day, "SHORT_DATE_FORMAT")

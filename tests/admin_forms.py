"""Submitting admin forms as a browser does, and checking what the admin refused.

A test names only the fields it cares about: the rest are what the page itself shows
(the defaults of an add page, the stored values of a change page), read from its HTML.
"""

import datetime
from html.parser import HTMLParser

from django.core.files import File
from django.db import models
from django.forms.models import model_to_dict
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_superuser

_NOT_SENT = {"submit", "button", "file", "image", "reset"}


class _FormFields(HTMLParser):
    """The name → value pairs a browser sends for the page's model form (the one whose id
    ends in _form) or list (changelist-form); the logout form and the sidebar's filter are left out."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._in_form = False
        self._select = self._first_option = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("id") or "").endswith(("_form", "changelist-form"))
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in _NOT_SENT or (kind in {"checkbox", "radio"} and "checked" not in attrs):
                return
            self.fields[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            # A browser sends the first option of a single select when none is marked selected.
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html):
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def as_typed(value):
    """`value` as staff type it in the form: a row by its id, a date as dd/mm/yyyy; a file as is."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, File):
        return value
    return str(value)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_errors(response):
    """Every error message the form page shows: the model form's and its inlines'."""
    form = response.context["adminform"].form
    messages = [message for errors in form.errors.values() for message in errors]
    for inline in response.context["inline_admin_formsets"]:
        messages += inline.formset.non_form_errors()
        messages += [message for errors in inline.formset.errors for field in errors.values() for message in field]
    return messages


class AdminFormTestCase(TestCase):
    """A superuser at the admin, submitting add and change forms."""

    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_superuser()

    def setUp(self):
        self.client.force_login(self.superuser)

    def submit(self, url, changes):
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        data = form_fields(page.content.decode())
        data.update({name: as_typed(value) for name, value in changes.items()})
        return self.client.post(url, data)

    def add(self, model, **changes):
        return self.submit(admin_url(model, "add"), changes)

    def change(self, instance, **changes):
        return self.submit(admin_url(type(instance), "change", instance.pk), changes)

    def assertSaved(self, response):
        errors = form_errors(response) if response.context and "adminform" in response.context else []
        self.assertEqual(response.status_code, 302, errors)

    def assertRefused(self, response, message):
        """The page came back with `message` among its errors, shown to the clerk."""
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, form_errors(response))
        self.assertContains(response, escape(message))

    def assertAddRefused(self, model, message, **changes):
        before = model.objects.count()
        self.assertRefused(self.add(model, **changes), message)
        self.assertEqual(model.objects.count(), before, "a refused entry was saved")

    def assertChangeRefused(self, instance, message, **changes):
        stored = model_to_dict(type(instance).objects.get(pk=instance.pk))
        self.assertRefused(self.change(instance, **changes), message)
        self.assertEqual(model_to_dict(type(instance).objects.get(pk=instance.pk)), stored, "a refused edit was saved")

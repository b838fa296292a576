"""Finding, in bulk, the people, households and decisions a register file is about.

A register file names a person by their columns (name, gender, birth year, citizen ID), not by
a database id. A person with a citizen ID is the one with that ID; one without is the one with
the same folded name, birth year and commune (Person.duplicate_key). A person not on file yet
is created with the rows, after the model's own rules for a person have passed.

A file exported for a user who may not see citizen IDs whole has them masked (••••••••1234).
Imported again, a masked ID means "the ID on file": that of the person with the row's name,
year of birth and commune, if it ends in the digits the mask shows. So a clerk's own export,
edited, imports as it should, and no mask is ever stored or whole ID shown.
"""

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.scope import scope_of
from audit.personal_data import masked_tail
from beneficiaries.models import Decision, Household, Person
from beneficiaries.models.people import CITIZEN_ID_HELD_OUTSIDE, duplicate_key
from bkxh.numbers import format_decimal
from bkxh.text import fold
from imports import rules
from imports.checking import refuse_writes
from imports.fast_insert import InstanceBuilder
from imports.kinds import ByCode, Column, Resolver, brought_by_file, matching

PERSON_FIELDS = ("full_name", "gender", "birth_year", "birth_date", "citizen_id")


def person_columns():
    """The columns that name a person, in the order staff write them; the birth date may stand
    instead of the birth year."""
    return (
        Column("full_name", "Họ và tên", of=Person),
        Column("gender", "Giới tính", of=Person),
        Column("birth_year", "Năm sinh", of=Person, required=False),
        Column("citizen_id", "Số CCCD", of=Person),
    )


def birth_date_column():
    return Column("birth_date", "Ngày sinh", of=Person, required=False, export=False)


def unmask_citizen_ids(kind, rows_and_details, user):
    """Put the ID on file for each masked citizen ID of `rows_and_details` ((row, {full_name,
    birth_year, commune, citizen_id})), in one query; a masked ID that is not the one on file
    of the person with that name, year of birth and commune in `user`'s units is an error of
    its row. Returns the ids of the rows of those errors."""
    masked = [(row, details, masked_tail(details["citizen_id"])) for row, details in rows_and_details]
    masked = [(row, details, tail) for row, details, tail in masked if tail is not None]
    keys_of = {id(row): duplicate_key(d["full_name"], d["birth_year"], d["commune"].pk) for row, d, _t in masked}
    on_file = defaultdict(list)
    people = scope_of(user).rows_of(Person.objects.exclude(citizen_id="")).values_list("duplicate_key", "citizen_id")
    for key, citizen_id in matching(people, "duplicate_key", set(keys_of.values())):
        on_file[key].append(citizen_id)
    refused = set()
    for row, details, tail in masked:
        candidates = [citizen_id for citizen_id in on_file[keys_of[id(row)]] if citizen_id.endswith(tail)]
        if len(candidates) == 1:
            details["citizen_id"] = candidates[0]
            continue
        row.add_error(
            kind.column("citizen_id"),
            _(
                "%(masked)s is a masked citizen ID, which stands for the one on file, but no one on file "
                "with this name, year of birth and commune has a citizen ID ending in %(digits)s: "
                "write the whole citizen ID."
            )
            % {"masked": details["citizen_id"], "digits": tail},
        )
        refused.add(id(row))
    return refused


class MaskedCitizenIdOfRow(Resolver):
    """For the people kind: a masked citizen ID stands for the ID on file (see the module)."""

    def resolve(self, kind, rows, present, result):
        wanted = []
        for row in rows:
            values = row.by_field
            birth_date = values.get("birth_date")
            birth_year = values.get("birth_year") or (birth_date.year if birth_date else None)
            if masked_tail(values.get("citizen_id")) is None:
                continue
            if not values.get("full_name") or not birth_year or values.get("commune") is None:
                values["citizen_id"] = ""  # the problem is the other columns', not the mask's
                continue
            details = {"full_name": values["full_name"], "birth_year": birth_year, "commune": values["commune"]}
            wanted.append((row, {**details, "citizen_id": values["citizen_id"]}))
        refused = unmask_citizen_ids(kind, wanted, result.user)
        for row, details in wanted:
            row.by_field["citizen_id"] = "" if id(row) in refused else details["citizen_id"]


class CitizenIdHeldOutside(Resolver):
    """For the people kind: a citizen ID that someone outside the user's units has is refused
    in words that say nothing of them (CITIZEN_ID_HELD_OUTSIDE), and its row is matched with
    no one (People.key_of), so that no refusal names where that person lives."""

    def resolve(self, kind, rows, present, result):
        wanted = {row.by_field.get("citizen_id") for row in rows} - {"", None}
        outside = scope_of(result.user).rows_outside(Person.objects.all()).values_list("citizen_id", flat=True)
        held = set(matching(outside, "citizen_id", wanted))
        for row in rows:
            if row.by_field.get("citizen_id") in held:
                row.add_error(kind.column("citizen_id"), CITIZEN_ID_HELD_OUTSIDE)


class PersonOfRow(Resolver):
    """Sets the row's `field` (person, deceased, worshipper) from its person columns."""

    def __init__(self, field="person"):
        self.field = field

    def resolve(self, kind, rows, present, result):
        # Kept between the parts of a file: the people it adds, by identity, and the first row of each.
        state = result.resolver_state.setdefault(
            self, {"created": {}, "first_row": {}, "book": rules.RuleBook(Person), "build": InstanceBuilder(Person)}
        )
        created, first_row = state["created"], state["first_row"]
        added = []
        rows = [row for row in rows if self._has_person(kind, row)]
        details_of = {id(row): self._details(row) for row in rows}
        refused = unmask_citizen_ids(kind, [(row, details_of[id(row)]) for row in rows], result.user)
        rows = [row for row in rows if id(row) not in refused]
        scope = scope_of(result.user)
        by_citizen_id, by_key = self._stored(details_of.values(), result.user)
        for row in rows:
            details = details_of[id(row)]
            if details["citizen_id"]:
                identity = ("citizen_id", details["citizen_id"])
                person = by_citizen_id.get(details["citizen_id"])
                if person is not None and not scope.allows(person.commune_id):
                    # Not the user's to attach rows to, nor to hear of, whatever name the file gives.
                    row.add_error(kind.column("citizen_id"), CITIZEN_ID_HELD_OUTSIDE)
                    continue
                if person is not None and not self._same(person, details):
                    row.add_error(
                        kind.column("citizen_id"),
                        _("This citizen ID belongs to %(person)s; the name or the year of birth in the file differ.")
                        % {"person": person},
                    )
                    continue
            else:
                identity = ("key", duplicate_key(details["full_name"], details["birth_year"], details["commune"].pk))
                matches = by_key.get(identity[1], [])
                if len(matches) > 1:
                    row.add_error(
                        kind.column("full_name"),
                        _(
                            "%(count)s people without a citizen ID have this name, year of birth and commune; "
                            "give the citizen ID or correct the duplicates first."
                        )
                        % {"count": format_decimal(len(matches))},
                    )
                    continue
                person = matches[0] if matches else None
            if person is None:
                person = created.get(identity)
                if person is not None and not self._same(person, details):
                    # Compared as a stored person is: two people under one ID are not merged.
                    row.add_error(
                        kind.column("citizen_id"),
                        _(
                            "Row %(row)s of the file gives this citizen ID to %(person)s; the name or the year of "
                            "birth differ."
                        )
                        % {"row": first_row[identity].number, "person": person},
                    )
                    continue
                if person is None:
                    person = self._new_person(kind, state["book"], state["build"], row, details)
                    if person is None:
                        continue
                    created[identity] = person
                    first_row[identity] = row
                    added.append(identity)
            row.by_field[self.field] = person
        refuse_writes(Person, [(first_row[identity], created[identity]) for identity in added], result.user)
        if added:
            result.prerequisites.append((Person, [created[identity] for identity in added]))

    def finish(self, kind, result):
        count = len(result.resolver_state.get(self, {}).get("created", ()))
        if count:
            result.notes.append(
                ngettext(
                    "%(count)s person not yet on file will be added to the list of people.",
                    "%(count)s people not yet on file will be added to the list of people.",
                    count,
                )
                % {"count": format_decimal(count)}
            )

    def _has_person(self, kind, row):
        failed = {problem.column for problem in row.problems}
        names = [name for name in PERSON_FIELDS if name in row.by_column]
        if any(row.header_of(kind.column(name)) in failed for name in names):
            return False
        has_year = row.by_column.get("birth_year") or row.by_column.get("birth_date")
        return bool(row.by_column.get("full_name")) and has_year and row.by_field.get("commune") is not None

    def _details(self, row):
        birth_date = row.by_column.get("birth_date")
        return {
            "full_name": row.by_column["full_name"],
            "gender": row.by_column.get("gender", ""),
            "birth_date": birth_date,
            "birth_year": row.by_column.get("birth_year") or (birth_date.year if birth_date else None),
            "citizen_id": row.by_column.get("citizen_id") or "",
            "commune": row.by_field["commune"],
        }

    def _stored(self, all_details, user):
        """The stored people with the file's citizen IDs (wherever they live, so that an ID held
        outside `user`'s units is refused), and those without one by duplicate key, in `user`'s
        units (the key holds the row's commune, which is refused if it is not theirs)."""
        citizen_ids = {details["citizen_id"] for details in all_details} - {""}
        by_citizen_id = {}
        by_citizen_id.update(
            (person.citizen_id, person) for person in matching(Person.objects, "citizen_id", citizen_ids)
        )
        keys = {
            duplicate_key(details["full_name"], details["birth_year"], details["commune"].pk)
            for details in all_details
            if not details["citizen_id"]
        }
        by_key = defaultdict(list)
        for person in matching(scope_of(user).rows_of(Person.objects.filter(citizen_id="")), "duplicate_key", keys):
            by_key[person.duplicate_key].append(person)
        return by_citizen_id, by_key

    @staticmethod
    def _same(person, details):
        return fold(person.full_name) == fold(details["full_name"]) and person.birth_year == details["birth_year"]

    def _new_person(self, kind, book, build, row, details):
        person = build({name: details[name] for name in (*PERSON_FIELDS, "commune") if details[name] is not None})
        problems = book.row_errors(person, [name for name in PERSON_FIELDS if name in row.by_column])
        for name, messages in problems.items():
            column = kind.column(name) if name in PERSON_FIELDS and name in row.by_column else None
            if name == "birth_year" and "birth_year" not in row.by_column:
                column = kind.column("birth_date")
            for message in messages:
                row.add_error(column if name != NON_FIELD_ERRORS else None, message)
        if problems:
            return None
        person.set_derived_fields()
        return brought_by_file(person)


class HouseholdOfRow(ByCode):
    """A household code, read within the row's commune (codes are the commune's own)."""

    def __init__(self):
        super().__init__(Household, "code")

    def resolve(self, column, rows):
        wanted = [(row, row.by_field.get("commune"), row.by_column.get(column.name)) for row in rows]
        wanted = [(row, commune, code) for row, commune, code in wanted if commune is not None and code]
        found = {}
        households = Household.objects.filter(commune__in={commune for _row, commune, _code in wanted})
        for household in matching(households, "code", {code for _row, _commune, code in wanted}):
            found[(household.commune_id, household.code)] = household
        for row, commune, code in wanted:
            household = found.get((commune.pk, code))
            if household is None:
                row.add_error(
                    column,
                    _("%(commune)s has no household with the code “%(code)s”.") % {"commune": commune, "code": code},
                )
            else:
                row.by_field[column.field] = household

    def code_list(self, column, units=None, year=None):
        households = Household.objects.select_related("commune").order_by("commune__code", "code")
        if units is not None:
            households = households.filter(commune__in=units)
        return column.header, [(household.code, str(household)) for household in households]


class DecisionOfRow(Resolver):
    """The decision named by its number and date (both columns), which must be on file."""

    def resolve(self, kind, rows, present, result):
        wanted = [row for row in rows if row.by_column.get("decision_number") and row.by_column.get("decision_date")]
        found = {}
        for decision in matching(Decision.objects, "number", {row.by_column["decision_number"] for row in wanted}):
            found[(decision.number, decision.date)] = decision
        for row in wanted:
            decision = found.get((row.by_column["decision_number"], row.by_column["decision_date"]))
            if decision is None:
                row.add_error(
                    kind.column("decision_number"),
                    _("There is no decision number %(number)s of %(date)s; add the decision first.")
                    % {
                        "number": row.by_column["decision_number"],
                        "date": row.by_column["decision_date"].strftime("%d/%m/%Y"),
                    },
                )
            else:
                row.by_field["decision"] = decision

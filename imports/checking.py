"""Checking a whole file in one pass: every problem of every row, and what writing it would change.

Nothing here writes. The result lists each problem with the row number as Excel shows it and
the column header as written in the file, and sorts the valid rows into new, changed (with the
old and new values) and unchanged, comparing with the stored records looked up in bulk.
"""

import gc
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.scope import check_writes_in_scope
from approvals.locking import approvals_by_unit_year
from bkxh.records import Record, dependents_of, unit_year_of, write_refusals
from imports import rules
from imports.cells import text as text_parser
from imports.fast_insert import InstanceBuilder
from imports.headers import column_letter, match_header
from imports.kinds import comparable
from imports.reading import FileError, read_table


@dataclass
class Problem:
    """One thing to fix: a file-level problem has no row; a row-level one may lack a column."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class Row:
    def __init__(self, number, written_headers, raw=()):
        self.number = number
        self.as_read = raw  # the cells as read, for the file of failed rows
        self.by_column = {}  # column name -> the parsed cell (a code, for looked-up columns)
        self.by_field = {}  # model field name -> value
        self.problems = []
        self.key = None  # the business key, once the row's references are resolved
        self._written = written_headers

    def header_of(self, column):
        return self._written.get(column.name, column.header) if column is not None else ""

    def add_error(self, column, message):
        problem = Problem(str(message), self.number, self.header_of(column))
        # Said once: a new person's unit and the row's are refused with the same words.
        if problem not in self.problems:
            self.problems.append(problem)


@dataclass
class Change:
    row: int
    instance: object
    differences: list  # (header as written, old value, new value)


@dataclass
class CheckResult:
    kind: object
    file_problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    new: list = field(default_factory=list)  # (row number, instance)
    changed: list = field(default_factory=list)  # Change
    unchanged: int = 0
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    header: list = field(default_factory=list)
    # (model, [instances]) the file brings besides its rows (new people of a register file), to
    # be written before the rows, in this order.
    prerequisites: list = field(default_factory=list)
    # What a resolver keeps between the parts of a file (the people it adds), by resolver.
    resolver_state: dict = field(default_factory=dict)
    # What staff should know besides the counts ("12 people not on file yet will be added").
    notes: list = field(default_factory=list)
    fields: list = field(default_factory=list)  # model fields the file sets
    # The user the file is checked for: rows outside their units, or in an approved year, are errors.
    user: object = None

    @property
    def problems(self):
        return self.file_problems + [problem for row in self.rows for problem in row.problems]

    @property
    def ok(self):
        return not self.problems

    @property
    def failed_rows(self):
        return [row for row in self.rows if row.problems]


def check_file(kind, data, file_name, progress=None, user=None, on_part=None):
    """Read `data` (the file's bytes) and check it as a file of `kind` for `user` (None: the
    command line, for every unit); never writes. `on_part(result, part)`, if given, receives
    each part of the file as soon as it is checked, while no row so far has a problem."""
    with without_garbage_collection():
        try:
            table = read_table(data, file_name, kind.known_headers)
        except FileError as error:
            return CheckResult(kind, file_problems=[Problem(str(error))], user=user)
        return check_table(kind, table, progress, user, on_part)


@contextmanager
def without_garbage_collection():
    """A file of 100.000 rows makes millions of objects that live until the end; Python's cyclic
    garbage collector would go over them again and again (a third of the time) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Rows checked at a time. What a part needs from the others (rows repeating an earlier one, the
# people the file adds, values that must be unique) is carried over, so the result is the same
# as for the whole file at once; the parts let the import write one while it checks the next.
PART_ROWS = 5000


@dataclass
class Part:
    """What one part of a file adds to the result: the records it brings besides its rows
    ((model, [instances]), see CheckResult.prerequisites), its new rows and its changed rows."""

    prerequisites: list
    new: list
    changed: list


def check_table(kind, table, progress=None, user=None, on_part=None):
    result = CheckResult(
        kind, encoding=table.encoding, delimiter=table.delimiter, sheet=table.sheet, header=table.header, user=user
    )
    match = match_header(table.header, kind)
    result.file_problems = [Problem(message) for message in match.errors]
    if match.errors and table.hidden_sheets:
        # The columns are missing because the data is on a sheet the clerk hid (a workbook whose
        # code list is the only sheet left shown): said first, or the column errors mislead.
        result.file_problems.insert(0, Problem(_hidden_sheets_not_read(table)))
    result.file_problems += _unnamed_columns(table, match)
    if result.file_problems:
        return result
    checking = _FileCheck(kind, match, result)
    total = len(table.rows)
    clean = True  # no row so far has a problem (a part's check only adds problems to its own rows)
    for start in range(0, total, PART_ROWS):
        part = checking.check(table.rows[start : start + PART_ROWS])
        clean = clean and not any(row.problems for row in result.rows[start:])
        if on_part is not None and clean:
            on_part(result, part)
        if progress:
            progress(_("checking rows"), min(start + PART_ROWS, total), total)
    kind.finish_resolving(result)
    if result.ok:
        kind.check_together(result)
    return result


def _hidden_sheets_not_read(table):
    names = ", ".join(f"“{name}”" for name in table.hidden_sheets)
    return ngettext(
        "The sheet %(names)s is hidden, so it was not read; the sheet read is “%(sheet)s”. If the data "
        "is on the hidden sheet, show it, move it before the other sheets and save the file again.",
        "The sheets %(names)s are hidden, so they were not read; the sheet read is “%(sheet)s”. If the "
        "data is on a hidden sheet, show it, move it before the other sheets and save the file again.",
        len(table.hidden_sheets),
    ) % {"names": names, "sheet": table.sheet}


class _FileCheck:
    """Checks a file part by part, keeping what the parts need from each other."""

    def __init__(self, kind, match, result):
        self.kind, self.match, self.result = kind, match, result
        self.present = frozenset(column.name for column in match.columns.values())
        result.fields = kind.fields_set(self.present)
        self.plan = _parsing_plan(match)
        self.first_rows = {}  # business key -> the number of the first row with it
        self.book = rules.RuleBook(kind.model)
        self.build = InstanceBuilder(kind.model)
        self.claimed = {}  # unique values the rows so far take (rules.unique_errors)

    def check(self, table_rows):
        kind, result = self.kind, self.result
        rows = [_parse_row(number, cells, self.match, self.plan) for number, cells in table_rows]
        result.rows += rows
        counts = len(result.prerequisites), len(result.new), len(result.changed)
        kind.resolve(rows, self.present, result)
        for row in rows:
            row.key = kind.key_of(row)
        keyed = _without_repeats(kind, [row for row in rows if row.key is not None], self.match, self.first_rows)
        _compare(kind, keyed, [row for row in rows if row.key is None], self.present, result, self)
        return Part(result.prerequisites[counts[0] :], result.new[counts[1] :], result.changed[counts[2] :])


def _remembering(parser):
    if parser is text_parser:
        return parser
    memo = {}

    def parse(cell):
        try:
            return memo[cell]
        except KeyError:
            value = memo[cell] = parser(cell)  # a ValueError is not remembered: it goes to the row
            return value
        except TypeError:  # an unhashable cell
            return parser(cell)

    return parse


def _unnamed_columns(table, match):
    """A column with values but no header would be ignored silently: refuse it instead."""
    width = len(table.header)
    unnamed = [index for index, header in enumerate(table.header) if not str(header).strip()]
    used = set()
    for _number, cells in table.rows:
        used.update(index for index in unnamed if index < len(cells) and cells[index] != "")
        if len(cells) > width:
            used.update(index for index in range(width, len(cells)) if cells[index] != "")
    return [
        Problem(_("Column %(letter)s has values but no header.") % {"letter": column_letter(index)})
        for index in sorted(used)
    ]


def _parsing_plan(match):
    """What each column does with its cell, worked out once for the file rather than for every
    cell. A parser that depends on the language (choice labels) is prepared once, and every
    parser but the text one remembers what it read: years, amounts, dates repeat."""
    return [
        (
            index,
            column,
            _remembering(getattr(column.parser, "for_current_language", lambda p=column.parser: p)()),
            column.fills_field,
            column.of is not None,
        )
        for index, column in sorted(match.columns.items())
    ]


def _parse_row(number, cells, match, plan):
    row = Row(number, match.written, cells)
    values, parsed = row.by_field, row.by_column
    length = len(cells)
    for index, column, parser, fills_field, described in plan:
        cell = cells[index] if index < length else ""
        if cell == "" or cell is None:
            if not column.blank:
                row.add_error(column, _("This cell is empty; it must be filled in."))
            elif fills_field:
                values[column.field] = column.empty
            elif described:
                parsed[column.name] = column.empty
            else:
                values[column.field] = None
            continue
        try:
            value = parser(cell)
        except ValueError as error:
            row.add_error(column, error)
            continue
        if fills_field:
            values[column.field] = value
        else:
            parsed[column.name] = value
    return row


def _without_repeats(kind, rows, match, first_rows):
    """Rows whose business key an earlier row of the file already has are errors."""
    kept = []
    key_headers = ", ".join(f"“{match.written.get(column.name, column.header)}”" for column in kind.key_columns())
    for row in rows:
        key = row.key
        if key in first_rows:
            row.add_error(
                None,
                _("This row repeats row %(row)s (the same %(columns)s); keep one of them.")
                % {"row": first_rows[key], "columns": key_headers},
            )
        else:
            first_rows[key] = row.number
            kept.append(row)
    return kept


def _compare(kind, keyed, unkeyed, present, result, checking):
    """Sort the rows into new, changed and unchanged and apply the model's rules to the rows
    that would be written. Rows without a whole key are checked against the rules too, so that
    every problem of the file shows at once."""
    stored = kind.stored_records([row.key for row in keyed]) if keyed else {}
    build = checking.build
    pending, untouched = [], []
    for row in keyed:
        record = stored.get(row.key)
        values = kind.field_values(row, present)
        if record is None:
            pending.append((row, build(values), None))
            continue
        differences = [
            (name, getattr(record, name), value)
            for name, value in values.items()
            if comparable(getattr(record, name)) != comparable(value)
        ]
        if not differences and not row.problems:
            untouched.append((row, record))
            continue
        for name, value in values.items():
            setattr(record, name, value)
        pending.append((row, record, differences))
    pending += [(row, build(kind.field_values(row, present)), None) for row in unkeyed]
    across = _rules_across_rows(kind, [instance for _row, instance, _d in pending])
    for (row, instance, _differences), problems in zip(pending, across, strict=True):
        _apply_rules(kind, checking.book, row, instance, result.fields, problems)
    # Rows with other problems too: the clerk learns all of a row's problems at once.
    refuse_writes(kind.model, [(row, instance) for row, instance, _d in pending], result.user)
    _leave_unchanged(kind.model, untouched, result)
    result.unchanged += sum(1 for row, _record in untouched if not row.problems)
    clashes = rules.unique_errors(
        kind.model, [instance for _row, instance, _d in pending], skip=[kind.key], claimed=checking.claimed
    )
    for row, instance, _differences in pending:
        for fields, message in clashes.get(id(instance), ()):
            # On the first of the rule's columns the file has (the milestone of a person's gift).
            columns = [kind.column_for_field(name) for name in fields]
            row.add_error(next((column for column in columns if column is not None), None), message)
    for row, instance, differences in pending:
        if row.problems:
            continue
        if differences is None:
            result.new.append((row.number, instance))
        else:
            result.changed.append(
                Change(
                    row.number,
                    instance,
                    [(row.header_of(kind.column_for_field(name)), old, new) for name, old, new in differences],
                )
            )


def refuse_writes(model, rows_and_instances, user):
    """A data model's refusals (an approved year, a unit outside the user's) as row problems,
    found before anything is written, in two queries whatever the number of rows."""
    if not rows_and_instances or not issubclass(model, Record):
        return
    if user is None and model.year_path is None and not dependents_of(model):
        # The command line works for every unit, and the rows belong to no year that could be
        # locked, nor do rows of a year read them.
        return
    refusals = write_refusals(model, [instance for _row, instance in rows_and_instances], user=user)
    for position, messages in refusals.items():
        for message in messages:
            rows_and_instances[position][0].add_error(None, message)


def _leave_unchanged(model, untouched, result):
    """Unchanged rows are not written, so an approved year's stay as they are (a district's export
    sent back with its open year corrected), said once for the file; one of another unit is still
    refused: it is not the user's to send, nor theirs to learn that it matches a stored row."""
    if not untouched or not issubclass(model, Record):
        return
    by_unit = {}
    for row, record in untouched:
        by_unit.setdefault(unit_year_of(record)[0], []).append(row)
    if result.user is not None:
        for unit, rows in by_unit.items():
            try:
                check_writes_in_scope(result.user, model, {unit} - {None})
            except ValidationError as error:
                for row in rows:
                    for message in error.messages:
                        row.add_error(None, message)
    if model.year_path is None:
        return
    locked = approvals_by_unit_year(unit_year_of(record) for row, record in untouched if not row.problems)
    count = sum(1 for row, record in untouched if not row.problems and unit_year_of(record) in locked)
    if count:
        approvals = sorted({(approval.year, str(approval.area)) for approval in locked.values()})
        years = [_("%(year)s of %(area)s") % {"year": year, "area": area} for year, area in approvals]
        result.notes.append(
            _("%(count)s unchanged rows belong to approved years (%(years)s); they are left as they are.")
            % {
                "count": formats.number_format(count, force_grouping=True),
                "years": ", ".join(years),
            }
        )


def _rules_across_rows(kind, instances):
    """For each of a part's rows, what the model's rule across rows (RuleAcrossRows: a martyr's
    other allowances) says of it: asked for the whole part at once, so that checking each row
    alone costs no query. Nothing for a kind that applies the rule to the whole file
    (rows_checked_together), nor for a model without such a rule."""
    if kind.rows_checked_together or not hasattr(kind.model, "problems_of_rows"):
        return [{}] * len(instances)
    return kind.model.problems_of_rows(instances)


def _apply_rules(kind, book, row, instance, fields, across):
    """The model's rules, as the admin form applies them (with `across`, what the rule across
    rows says of the row, see _rules_across_rows): fields whose cell already failed are left
    out, and so are the rules' complaints about them."""
    failed = {problem.column for problem in row.problems}
    checked = (
        [name for name in fields if row.header_of(kind.column_for_field(name)) not in failed] if failed else fields
    )
    with instance.without_rules_across_rows() if hasattr(instance, "without_rules_across_rows") else nullcontext():
        problems = book.row_errors(instance, checked)
    for name, messages in across.items():
        problems[name].extend(messages if isinstance(messages, list) else [messages])
    for name, messages in problems.items():
        column = kind.column_for_field(name) if name != NON_FIELD_ERRORS else None
        if column is not None and row.header_of(column) in failed:
            continue
        for message in messages:
            row.add_error(column, message)

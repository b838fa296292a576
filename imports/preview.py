"""What the preview page shows of a checked file, as plain values.

Made where the file was checked, in the request or by a background job, for the user who
uploaded it (citizen IDs masked as that user sees them everywhere). A job keeps it on its log
(ImportLog.summary), so that the page that follows the job shows the same preview without
checking the file again.
"""

from audit.personal_data import mask, may_see_full_ids
from bkxh.templatetags.vn_format import vn_cell

SHOWN_PROBLEMS = 200
SHOWN_CHANGES = 100
SHOWN_NEW = 20


def preview_summary(kind, result, user):
    problems = result.problems
    masked = () if may_see_full_ids(user) else kind.personal_columns()
    # A sample of the new rows only for a file without problems (the page shows it only then):
    # after a write that failed, they point at records that were given ids and rolled back.
    sample = [] if problems else result.new[:SHOWN_NEW]
    return {
        "rows": len(result.rows),
        "encoding": result.encoding,
        "delimiter": result.delimiter,
        "sheet": result.sheet,
        "problem_count": len(problems),
        "problems": [str(problem) for problem in problems[:SHOWN_PROBLEMS]],
        "has_failed_rows": bool(result.failed_rows),
        "new_count": len(result.new),
        "changed_count": len(result.changed),
        "unchanged": result.unchanged,
        "notes": [str(note) for note in result.notes],
        "changes": [
            {
                "row": change.row,
                "record": str(change.instance),
                "differences": [[str(header), _cell(old), _cell(new)] for header, old, new in change.differences],
            }
            for change in result.changed[:SHOWN_CHANGES]
        ],
        "new_rows": [
            [number, [_cell(cell) for cell in _preview_cells(kind, instance, masked)]] for number, instance in sample
        ],
    }


def _preview_cells(kind, instance, masked):
    """A new row as the preview shows it: the file's values, a code with what it names
    ("01858 – Xã Bằng Thành"), and citizen IDs masked for a user who sees them so everywhere."""
    shown = []
    for column, value in zip(kind.export_columns, kind.export_row(instance), strict=True):
        if column in masked:
            value = mask(value)
        elif column.lookup is not None and value:
            owner = kind.related_of(column, instance) if column.of is not None else instance
            name = str(getattr(owner, column.field))
            value = name if name.startswith(value) else f"{value} – {name}"
        shown.append(value)
    return shown


def _cell(value):
    return str(vn_cell(value))

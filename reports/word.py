"""The report as a Word file (DOCX), in the layout of Decree 30/2020/NĐ-CP (README, "The
report's files").

Built with python-docx from the report's data, in Word's own styles (Normal, Heading 1 and 2,
Table Grid, a List Paragraph-like "Recipients" style), so that staff finish it in Word as any
document: A4 portrait, margins top 20, bottom 20, left 30, right 15 mm, Times New Roman 14 pt
(13 pt in the letterhead and the table's 12 pt), page numbers centred at the top from page 2.
`ReportDocx.body` lays out the sections of reports.documents.body_sections, so a section or a
column added there appears here without more code.
"""

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

from bkxh.numbers import format_decimal
from bkxh.templatetags.vn_format import letterhead_name
from reports.documents import (
    body_sections,
    figure_columns,
    figure_rows,
    number_line,
    place_date_line,
    recipient_lines,
    row_number_header,
    summary,
    title_notes,
)

FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top_margin": Mm(20), "bottom_margin": Mm(20), "left_margin": Mm(30), "right_margin": Mm(15)}
TEXT_WIDTH = PAGE_WIDTH - Mm(30) - Mm(15)
# The letterhead's columns, as on the page (report.css: 44% and 56%).
ISSUER_WIDTH = Mm(72)
MOTTO_WIDTH = TEXT_WIDTH - ISSUER_WIDTH
TABLE_SIZE = 12
# The figures table's row number and unit columns, and the least the indicator's name keeps.
NUMBER_WIDTH, UNIT_WIDTH, NAME_MIN_WIDTH = Mm(11), Mm(17), Mm(45)
ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
# What follows w:pBdr in a paragraph's properties (ECMA-376, CT_PPrBase).
_AFTER_BORDERS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_of(document):
    """The DOCX bytes of a reports.documents.ReportDocument."""
    return ReportDocx(document).build()


class ReportDocx:
    def __init__(self, document):
        self.document = document
        self.report = document.report
        self.docx = Document()

    def build(self):
        self.page_setup()
        self.styles()
        if not self.document.approved:
            self.draft_mark()
        self.letterhead()
        self.title()
        self.body()
        if self.report.agency:
            self.closing()
        properties = self.docx.core_properties
        properties.title = f"{_('REPORT')} {summary(self.report, self.document.replaces)}"
        properties.language = "vi-VN"
        # Not python-docx's own name, which its template carries.
        properties.author = properties.last_modified_by = self.report.agency.name if self.report.agency else ""
        properties.comments = ""
        output = BytesIO()
        self.docx.save(output)
        return output.getvalue()

    # The page, the styles and the page numbers.

    def page_setup(self):
        section = self.docx.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for name, length in MARGINS.items():
            setattr(section, name, length)
        section.header_distance = Mm(10)
        # Decree 30: page numbers centred in the top margin, none on the first page.
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False  # an empty header of its own
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(paragraph.add_run())
        paragraph.runs[0].font.size = Pt(13)

    def styles(self):
        styles = self.docx.styles
        normal = styles["Normal"]
        _font(normal, size=14)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        _language(normal, "vi-VN")
        for name, size in (("Heading 1", 14), ("Heading 2", 14)):
            heading = styles[name]
            _font(heading, size=size, bold=True)
            heading.font.italic = False
            heading.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
            heading.paragraph_format.space_after = Pt(6)
            heading.paragraph_format.keep_with_next = True
        _font(styles["Table Grid"], size=TABLE_SIZE)

    # The first page's parts.

    def draft_mark(self):
        """DỰ THẢO, boxed, at the top left (the page's .draft-mark)."""
        paragraph = self.docx.add_paragraph()
        paragraph.paragraph_format.right_indent = TEXT_WIDTH - Mm(32)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _border(paragraph, "top", "left", "bottom", "right")
        _run(paragraph, _("DRAFT"), size=13, bold=True)

    def letterhead(self):
        agency = self.report.agency
        table = self.docx.add_table(rows=2, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _fixed_widths(table, [ISSUER_WIDTH, MOTTO_WIDTH])
        issuer, motto = table.rows[0].cells
        number, place_date = table.rows[1].cells
        if agency:
            first = issuer.paragraphs[0]
            if agency.managing_body:
                _run(_centred(first), agency.managing_body.upper(), size=13)
                first = issuer.add_paragraph()
            _run(_centred(first), letterhead_name(agency.name.upper()), size=13, bold=True)
            _rule(issuer.add_paragraph(), ISSUER_WIDTH, share=0.35)
            _run(_centred(number.paragraphs[0]), number_line(agency, self.document.issue), size=13)
        _run(_centred(motto.paragraphs[0]), _("SOCIALIST REPUBLIC OF VIET NAM"), size=12, bold=True)
        # An underline is exactly as long as the motto, as the decree asks of its rule.
        motto_line = _run(_centred(motto.add_paragraph()), _("Independence - Freedom - Happiness"), size=13, bold=True)
        motto_line.underline = True
        _run(_centred(place_date.paragraphs[0]), place_date_line(self.document), size=13, italic=True)
        for cell in (*table.rows[0].cells, *table.rows[1].cells):
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
        for cell in table.rows[1].cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(8)

    def title(self):
        heading = _centred(self.docx.add_paragraph())
        heading.paragraph_format.space_before = Pt(18)
        heading.paragraph_format.space_after = Pt(0)
        _run(heading, _("REPORT"), size=14, bold=True)
        line = _centred(self.docx.add_paragraph())
        line.paragraph_format.space_after = Pt(0)
        _run(line, summary(self.report, self.document.replaces), size=14, bold=True)
        _rule(self.docx.add_paragraph(), TEXT_WIDTH, share=0.25)
        for kind, text in title_notes(self.report):
            note = _centred(self.docx.add_paragraph())
            if kind == "illustrative":
                _border(note, "top", "left", "bottom", "right")
                _run(note, text, bold=True)
            else:
                _run(note, text, italic=True)

    # The body: the numbered sections, then the signature.

    def body(self):
        for section in body_sections(self.document):
            self.docx.add_heading(section.heading, level=1)
            for heading, paragraphs in section.parts:
                # A section staff wrote has paragraphs only, no sector headings.
                if heading:
                    self.docx.add_heading(heading, level=2)
                for text in paragraphs:
                    self.paragraph(text)
            if section.is_table:
                self.figures_table()

    def paragraph(self, text):
        """A paragraph of the body: justified, its first line indented 1,27 cm."""
        paragraph = self.docx.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        return paragraph

    def figures_table(self):
        columns = figure_columns(self.report)
        table = self.docx.add_table(rows=1, cols=len(columns) + 1, style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = figure_rows(self.report)
        figures = [_figure_width(column, rows) for column in columns if column.kind != "text"]
        figures = _within(figures, TEXT_WIDTH - NUMBER_WIDTH - UNIT_WIDTH - NAME_MIN_WIDTH)
        name = TEXT_WIDTH - NUMBER_WIDTH - UNIT_WIDTH - sum(figures)
        widths = [NUMBER_WIDTH, name, UNIT_WIDTH, *figures]
        _fixed_widths(table, widths)
        header = table.rows[0]
        # Repeated at the top of each page the table runs onto (w:tblHeader).
        _row_property(header, "w:tblHeader")
        for cell, text in zip(header.cells, [row_number_header(), *(column.header for column in columns)], strict=True):
            _run(_centred(cell.paragraphs[0]), text, size=TABLE_SIZE, bold=True)
        for row in rows:
            cells = table.add_row().cells
            _row_property(table.rows[-1], "w:cantSplit")
            _run(_centred(cells[0].paragraphs[0]), row.number, size=TABLE_SIZE, bold=row.kind == "sector")
            if row.kind == "sector":
                merged = cells[1].merge(cells[-1])
                _run(merged.paragraphs[0], row.sector.name, size=TABLE_SIZE, bold=True)
                continue
            for cell, column in zip(cells[1:], columns, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph.alignment = ALIGNMENTS[column.align]
                # A breakdown's name in italics, as on the page.
                italic = row.kind == "child" and column is columns[0]
                _run(paragraph, _cell_text(column, row.line), size=TABLE_SIZE, italic=italic)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    paragraph.paragraph_format.line_spacing = 1.0

    def closing(self):
        agency = self.report.agency
        # A paragraph keeps the closing table apart from the figures table (Word would join them).
        self.docx.add_paragraph()
        table = self.docx.add_table(rows=1, cols=2)
        table.autofit = False
        _fixed_widths(table, [Emu(TEXT_WIDTH // 2), Emu(TEXT_WIDTH - TEXT_WIDTH // 2)])
        # Recipients and signature stay on one page.
        _row_property(table.rows[0], "w:cantSplit")
        recipients, signature = table.rows[0].cells
        title = recipients.paragraphs[0]
        title.paragraph_format.space_after = Pt(0)
        _run(title, _("Recipients:"), size=12, bold=True, italic=True)
        for line in recipient_lines(agency):
            paragraph = recipients.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            _run(paragraph, line, size=11)
        first = signature.paragraphs[0]
        lines = [agency.signer_authority.upper()] if agency.signer_authority else []
        for number, text in enumerate([*lines, agency.signer_title.upper()]):
            paragraph = first if number == 0 else signature.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            _run(_centred(paragraph), text, bold=True)
        # Room for the signature and the seal (the page's 28 mm).
        name = _centred(signature.add_paragraph())
        name.paragraph_format.space_before = Mm(28)
        _run(name, agency.signer_name, bold=True)


def _run(paragraph, text, *, size=None, bold=False, italic=False):
    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    return run


def _centred(paragraph):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _figure_width(column, rows):
    """Room for the widest figure of the column on one line (12 pt Times New Roman: about 2,2 mm
    a digit), and at least 20 mm for its header."""
    texts = [_cell_text(column, row.line) for row in rows if row.line is not None]
    return Mm(max(20, round(2.2 * max(map(len, texts), default=0)) + 4))


def _within(widths, room):
    """`widths` as they are if they fit in `room`, else narrowed in proportion until they do (the
    widest figures then wrap): sums of money over a country, millions of millions of đồng, in
    three columns would leave the indicator's name no room, or less than none."""
    total = sum(widths)
    if total <= room:
        return widths
    return [Emu(width * room // total) for width in widths]


def _cell_text(column, line):
    value = column.value(line)
    if value is None:
        return ""
    if column.kind == "number":
        return format_decimal(value)
    if column.kind == "percent":
        return f"{format_decimal(value, 1)}%"
    return str(value)


def _font(style, *, size, bold=None):
    """Times New Roman for every script (Latin, complex, East Asian), black, `size` points: the
    default template's headings take a theme font and colour, which would win over a name."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _language(style, language):
    properties = style.element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _page_field(run):
    """A PAGE field: Word writes the page's number in its place."""
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction.strip() == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = instruction
        run._r.append(element)


def _border(paragraph, *sides):
    """A single black line on `sides` of the paragraph (between its indents)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            line = OxmlElement(f"w:{side}")
            for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
                line.set(qn(f"w:{name}"), value)
            borders.append(line)
    # In the schema's order of a paragraph's properties, which Word insists on.
    properties.insert_element_before(borders, *_AFTER_BORDERS)


def _rule(paragraph, width, *, share):
    """A short solid rule, `share` of `width` long and centred: an empty paragraph's bottom
    border between indents."""
    indent = int(width * (1 - share) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = Pt(3)
    _border(paragraph, "bottom")
    return paragraph


def _fixed_widths(table, widths):
    """Columns of these widths in Word and in LibreOffice (which reads the grid, Word the cells)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _row_property(row, name):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(name)
    properties.append(element)

"""Streamed export of a filtered list (subjects here; hazards reuse the writer)."""

import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from anjian.org.models import Sector, Territory, Unit

from ..models import RiskGrade, Subject
from .columns import (
    DATA_SHEET,
    HEADERS,
    MAX_EXPORT_ROWS,
    ExportTooLarge,
    excel_cell,
)

# ---------------------------------------------------------------------------------------------
# Export


def check_export_size(queryset, limit=None):
    limit = MAX_EXPORT_ROWS if limit is None else limit
    count = queryset.count()
    if count > limit:
        raise ExportTooLarge(count, limit)
    return count


def write_workbook(title, headers, rows):
    """Stream `rows` into a write-only workbook on disk and return the open file, at its start.
    Write-only mode keeps one row in memory at a time, so a list of 100,000 rows stays light."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([excel_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output


class TerritoryNames:
    """Town, village and grid names of any territory id, from one query of the (small) tree."""

    def __init__(self):
        self.nodes = {
            row["id"]: row for row in Territory.objects.values("id", "name", "level", "parent_id").iterator()
        }
        self.cache = {}

    def name(self, pk):
        return self.nodes[pk]["name"] if pk in self.nodes else ""

    def parts(self, pk):
        """(town, village, grid) names of the node and its ancestors."""
        if pk not in self.cache:
            found = {}
            node = self.nodes.get(pk)
            while node is not None:
                found.setdefault(node["level"], node["name"])
                node = self.nodes.get(node["parent_id"])
            levels = Territory.Level
            self.cache[pk] = (
                found.get(levels.TOWN, ""),
                found.get(levels.VILLAGE, ""),
                found.get(levels.GRID, ""),
            )
        return self.cache[pk]


SUBJECT_FIELDS = (
    "kind",
    "name",
    "code",
    "territory_id",
    "grid_id",
    "sector_id",
    "address",
    "lat",
    "lon",
    "risk_grade",
    "contact_name",
    "contact_phone",
    "supervising_unit_id",
)


def subject_rows(queryset):
    """The rows of the export, in the template's columns, with readable values."""
    kinds = {value: str(label) for value, label in Subject.Kind.choices}
    grades = {value: str(label) for value, label in RiskGrade.choices}
    sectors = dict(Sector.objects.values_list("code", "name"))
    units = dict(Unit.objects.values_list("id", "name"))
    places = TerritoryNames()
    for row in queryset.values_list(*SUBJECT_FIELDS).iterator(chunk_size=2000):
        kind, name, code, territory_id, grid_id, sector_id, address, lat, lon = row[:9]
        grade, contact, phone, unit_id = row[9:]
        town, village, grid = places.parts(grid_id or territory_id)
        yield (
            kinds.get(kind, kind),
            name,
            code,
            town,
            village,
            grid,
            sectors.get(sector_id, sector_id),
            address,
            lat,
            lon,
            grades.get(grade, grade),
            contact,
            phone,
            units.get(unit_id, ""),
        )


def export_subjects(queryset):
    """An open .xlsx file of the (already scoped and filtered) subjects. Raises ExportTooLarge."""
    check_export_size(queryset)
    return write_workbook(DATA_SHEET, HEADERS, subject_rows(queryset.order_by("id")))

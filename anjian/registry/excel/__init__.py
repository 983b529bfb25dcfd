"""Excel template, import and export of supervised subjects.

The subject columns are a file format shared by the template, the import and the export, so that an
exported list re-imports unchanged. That is why their headers stay Chinese whatever the UI language;
every message about them is translated as usual.

`import_subjects(user, file)` is the one entry point for the page, the API and the command line: it
reads the whole file, collects every problem with its row and column, and writes nothing unless the
whole file is clean.

columns.py: the columns, the limits and the vocabulary of allowed values; importing.py: reading and
checking a file, then saving it all or nothing; exporting.py: streamed export; template.py: the
template with its help sheet.
"""

from .columns import (
    HEADERS,
    MAX_EXPORT_ROWS,
    MAX_IMPORT_ROWS,
    XLSX_TYPE,
    ExportTooLarge,
    ImportFileError,
    ImportResult,
    can_import,
)
from .exporting import check_export_size, export_subjects, write_workbook
from .importing import import_subjects
from .template import build_template

__all__ = [
    "HEADERS",
    "MAX_EXPORT_ROWS",
    "MAX_IMPORT_ROWS",
    "XLSX_TYPE",
    "ExportTooLarge",
    "ImportFileError",
    "ImportResult",
    "build_template",
    "can_import",
    "check_export_size",
    "export_subjects",
    "import_subjects",
    "write_workbook",
]

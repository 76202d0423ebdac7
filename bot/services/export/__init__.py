"""A person's data as files: Markdown to read, JSON to move (format in docs/export-format.md).

* :mod:`~bot.services.export.run`: gathering the data, producing the two files, importing them.
* :mod:`~bot.services.export.files`: the files on disk, made in a worker thread, cut into parts
  a bot may upload.
* :mod:`~bot.services.export.json_format`: the versioned JSON document, built and read back.
* :mod:`~bot.services.export.markdown`: the Markdown file, a view for reading.

The names importers use are re-exported here.
"""

from bot.services.export.files import UPLOAD_LIMIT, ExportPart, PreparedExport, prepare, read_part
from bot.services.export.json_format import (
    DELIVERY_KINDS,
    DELIVERY_STATES,
    ENTRY_KINDS,
    FORMAT,
    REPEAT_DAYS,
    VERSION,
    WEEKDAY_KEYS,
    ExportFormatError,
    dump,
    from_document,
    parse,
    to_document,
)
from bot.services.export.markdown import render_markdown
from bot.services.export.run import AlreadyHasData, ExportFiles, collect, export_files, import_person

__all__ = [
    "DELIVERY_KINDS",
    "DELIVERY_STATES",
    "ENTRY_KINDS",
    "FORMAT",
    "REPEAT_DAYS",
    "UPLOAD_LIMIT",
    "VERSION",
    "WEEKDAY_KEYS",
    "AlreadyHasData",
    "ExportFiles",
    "ExportPart",
    "ExportFormatError",
    "collect",
    "dump",
    "export_files",
    "from_document",
    "import_person",
    "parse",
    "prepare",
    "PreparedExport",
    "read_part",
    "render_markdown",
    "to_document",
]

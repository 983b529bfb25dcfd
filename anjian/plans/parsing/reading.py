"""read_document: an uploaded plan (.txt or .docx) as text, or a Chinese message saying what is wrong."""

import io
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from .parse import PlanTextError
from .structure import find_markers, levels


class DocumentError(PlanTextError):
    """A file that cannot be read as a work plan (empty, not a .docx, no chapter or item)."""


def read_document(name, data):
    """The text of `data` (the bytes of the file called `name`): .txt in UTF-8 (with or without BOM)
    or GB18030; .docx paragraphs and table cells in document order. Raises DocumentError."""
    lower = (name or "").lower()
    if not data or not data.strip():
        raise DocumentError(f"文件“{name}”是空的：请上传工作要点全文")
    if lower.endswith(".docx"):
        text = _docx_text(name, data)
    elif lower.endswith(".txt"):
        text = _txt_text(name, data)
    else:
        raise DocumentError(f"不支持文件“{name}”的类型：请上传 .txt 或 .docx 文件（.doc 请先另存为 .docx）")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(f"文件“{name}”中没有文字：请上传工作要点全文")
    if levels(find_markers(text))[1] is None:
        raise DocumentError(f"不是工作要点：文件“{name}”中未找到章节（“一、”）或条目（“1.”“（一）”）编号")
    return text


def _txt_text(name, data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise DocumentError(f"无法读取文件“{name}”：不是 UTF-8 或 GB18030 编码的文本文件")


def _docx_text(name, data):
    # python-docx parses some parts only when the body is read, so the text is read inside the try.
    # SyntaxError: malformed XML inside the archive (lxml's XMLSyntaxError derives from it).
    try:
        document = Document(io.BytesIO(data))
        return "\n".join(_blocks(document))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError):
        raise DocumentError(f"无法读取文件“{name}”：不是有效的 .docx 文档（.doc 请先另存为 .docx）") from None


def _blocks(document):
    """Paragraph texts, and each table's cell texts row by row, in the order of the body (a merged
    cell, which python-docx repeats, once)."""

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            seen = set()
            for row in Table(child, document).rows:
                for cell in row.cells:
                    # The set holds the cell elements themselves: their identity is stable while held.
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield cell.text

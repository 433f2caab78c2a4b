"""``report.xlsx``: every table of a report as numbers, one sheet per table.

The first sheet, *About*, names the report and each run behind it (run id, config
hash, seed, model version, date) and cites the source paper. Then one sheet per chart
(named after its file stem, ``02-game-table``; the same data as ``tables/NN-name.csv``),
the key figures and the inputs. Numeric cells stay numbers, shown through a number
format: a probability held as a share (0-1) as ``0.0%``; a percentage held as
0-100, as in the chart tables, as ``0.0"%"`` (so the cell equals the CSV); money as
``#,##0``; standard errors get more decimals. The header row is bold and frozen and
column widths fit their text (CJK characters count double).

The bytes are deterministic: the workbook's created and modified times are those of
the (latest) run, and every member of the zip archive carries that time too.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from model.report.document import Document
from model.report.rundata import RunData
from model.report.tables import Table
from model.report.text import _width

MAX_SHEET_NAME = 31
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EPOCH = datetime(2000, 1, 1)
PERCENT_VALUE, PERCENT_SE = '0.0"%"', '0.000"%"'  # 0-100 values, as the CSVs hold them
SHARE_VALUE, SHARE_SE = "0.0%", "0.00%"  # 0-1 shares (the key figures' probabilities)
MONEY_VALUE, MONEY_SE = "#,##0", "#,##0.0"
PLAIN_NUMBER = "General"
CORE_PROPERTIES = "docProps/core.xml"
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def sheet_names(stems: Sequence[str]) -> list[str]:
    """Valid, unique sheet names (at most 31 characters, no ``[]:*?/\\``) for ``stems``."""
    names: list[str] = []
    seen: set[str] = set()
    for stem in stems:
        base = FORBIDDEN.sub("-", stem)[:MAX_SHEET_NAME] or "sheet"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            suffix = f"~{n}"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        seen.add(name.lower())
        names.append(name)
    return names


def run_time(runs: Sequence[RunData]) -> datetime:
    """The latest run's start (UTC, naive), the workbook's fixed time; 2000-01-01 without one."""
    times = []
    for run in runs:
        try:
            times.append(datetime.fromisoformat(str(run.attr("created_utc", ""))).replace(tzinfo=None))
        except ValueError:
            continue
    return max(times, default=EPOCH)


def _format_for(header: str, column: str, unit: str | None, money_unit: str) -> str:
    """The number format of a column (``unit``: the row's unit, for tables that have a unit column)."""
    se = column.endswith("_se") or column == "se"
    text = unit if unit is not None else header
    if unit == "probability":
        return SHARE_SE if se else SHARE_VALUE
    if unit == "%" or (unit is None and "(%)" in header):
        return PERCENT_SE if se else PERCENT_VALUE
    if money_unit in text or "USD" in text or "US$" in text:
        return MONEY_SE if se else MONEY_VALUE
    return PLAIN_NUMBER


def _cell(value: Any) -> Any:
    """A cell value: numbers as numbers (NaN as an empty cell), everything else as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return None if value is None else str(value)


def _numeric_text(text: str) -> float | None:
    """A grid cell printed as a plain number ("51.4", "1,234") as a float, else None."""
    cleaned = text.replace(",", "").strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return float(cleaned)
    return None


def _write_sheet(ws, headers: list[str], columns: list[str], rows: list[list[Any]], money_unit: str) -> None:
    """Fill the write-only sheet ``ws``: a bold, frozen header row, then ``rows``, each
    number with its format; column widths fit the header and the first 200 rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    for j, header in enumerate(headers):
        texts = [header, *(_display(r[j]) for r in rows[:200])]
        width = max(sum(_width(c) for c in t) for t in texts)
        ws.column_dimensions[_letter(j + 1)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    unit_at = columns.index("unit") if "unit" in columns else None
    formats: dict[tuple[int, str | None], str] = {}
    for row in rows:
        unit = str(row[unit_at]) if unit_at is not None else None
        out = []
        for j, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                key = (j, unit)
                if key not in formats:
                    formats[key] = _format_for(headers[j], columns[j], unit, money_unit)
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = formats[key]
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)


def _display(value: Any) -> str:
    v = _cell(value)
    if isinstance(v, float):
        return f"{v:,.3f}"
    return "" if v is None else str(v)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _about_rows(doc: Document, runs: Sequence[RunData]) -> list[list[Any]]:
    tx = doc.tx
    rows: list[list[Any]] = [[tx("xlsx_title"), doc.words.title], [tx("xlsx_language"), doc.lang]]
    for run in runs:
        rows += [
            [tx("field_run"), run.run_id],
            [tx("field_config_hash"), str(run.attr("config_hash"))],
            [tx("field_seed"), _cell(run.attr("seed"))],
            [tx("field_worlds"), _cell(run.worlds)],
            [tx("field_version"), str(run.attr("version_offshore", run.manifest.get("project_version", "?")))],
            [tx("field_date"), str(run.attr("created_utc", ""))],
        ]
    if not runs:
        rows += [[tx("field_run"), run_id] for run_id in doc.run_ids]
    rows += [
        [tx("xlsx_source"), " ".join(tx("citation").split())],
        [tx("xlsx_units"), tx("xlsx_units_note")],
    ]
    return rows


def build_workbook(doc: Document, runs: Sequence[RunData] = (), inputs: Table | None = None):
    """The report's tables as an ``openpyxl.Workbook`` (see the module docstring)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    stems = ["About", *(c.name for c in doc.charts), "key-figures", "inputs"]
    names = iter(sheet_names(stems))
    _write_sheet(
        wb.create_sheet(next(names)),
        [doc.tx("field_key"), doc.tx("field_value")],
        ["key", "value"],
        _about_rows(doc, runs),
        "",
    )
    money = doc.tx.money_unit
    for chart in doc.charts:
        frame = chart.table.frame
        headers = [chart.table.headers.get(c, c) for c in frame.columns]
        _write_sheet(wb.create_sheet(next(names)), headers, list(frame.columns), frame.values.tolist(), money)
    numbers = doc.words.key_figure_numbers
    key_sheet = wb.create_sheet(next(names))
    if isinstance(numbers, pd.DataFrame):
        _write_sheet(key_sheet, list(numbers.columns), list(numbers.columns), numbers.values.tolist(), money)
    else:
        grid = doc.words.key_figures
        _write_sheet(key_sheet, list(grid.headers), list(grid.headers), [list(r) for r in grid.rows], money)
    inputs_name = next(names)
    grid = doc.words.inputs
    if inputs is not None:
        frame = inputs.frame
        headers = [inputs.headers.get(c, c) for c in frame.columns]
        _write_sheet(wb.create_sheet(inputs_name), headers, list(frame.columns), frame.values.tolist(), money)
    elif grid is not None:
        rows = [[_numeric_text(c) if _numeric_text(str(c)) is not None else c for c in r] for r in grid.rows]
        _write_sheet(wb.create_sheet(inputs_name), list(grid.headers), list(grid.headers), rows, money)
    when = run_time(runs)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.title = doc.words.title
    wb.properties.creator = "offshore"
    return wb


def write_workbook(doc: Document, runs: Sequence[RunData] = (), inputs: Table | None = None) -> bytes:
    """``report.xlsx`` as bytes, identical from one rendering of the same runs to the next.

    ``runs`` fill the *About* sheet; ``inputs`` (:func:`model.report.tables.inputs_table`)
    gives the inputs sheet its numbers (without it, the report's printed inputs table).
    """
    buffer = io.BytesIO()
    build_workbook(doc, runs, inputs).save(buffer)
    return _fixed_zip_times(buffer.getvalue(), run_time(runs))


def _fixed_zip_times(data: bytes, when: datetime) -> bytes:
    """The zip archive ``data`` with every member dated ``when`` (zip needs 1980 or later)
    and the workbook's 'modified' property set to ``when``."""
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == CORE_PROPERTIES:  # openpyxl stamps the save time as 'modified'
                data = MODIFIED.sub(rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()

#!/usr/bin/python3
"""Opens an XLSX file with openpyxl and prints what a reader finds in it.

Usage: check_xlsx.py FILE

Prints three lines:
  sheets: <sheet names, in order, joined by ", ">
  rows: <sheet>=<rows holding a value>, ...
  charts: yes|no   (whether the archive holds xl/charts/)
Exits 1 when the file cannot be opened as a workbook.
"""
import sys
import zipfile

import openpyxl


def rows_with_values(sheet):
    return sum(1 for row in sheet.iter_rows(values_only=True)
               if any(cell is not None and cell != "" for cell in row))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    try:
        workbook = openpyxl.load_workbook(path)
    except Exception as error:  # any failure to open is the finding
        print(f"cannot open {path}: {error}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(path) as archive:
        has_charts = any(name.startswith("xl/charts/") for name in archive.namelist())
    print("sheets: " + ", ".join(workbook.sheetnames))
    print("rows: " + ", ".join(f"{sheet.title}={rows_with_values(sheet)}"
                              for sheet in workbook.worksheets))
    print("charts: " + ("yes" if has_charts else "no"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Excel workbooks in the system's own layout (issue 10): written and read back, the import format equal to
the export format. ``layout`` is the one reader/writer (styles, validation, protection, hidden ids);
``department`` the department workbook (年度報告シート); ``services`` its import."""

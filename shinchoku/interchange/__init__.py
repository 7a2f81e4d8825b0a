"""The interchange document (format ``shinchoku-report/2``; ``/1`` is still read): one plan and one year's report as JSON.

The text importer produces it, ``import-json`` loads it, ``export-json`` writes it: one shape for all three,
so that a report read from a PDF and a report moved between installations go through the same loader.
"""

"""Small pieces every app writes the same way, written once (like healthchecks' `hc/lib/`).

Plain functions with no state; they import Python and nothing of the project's apps, so any
layer may use them (docs/architecture.md): `people` (how a person is named), `codes` (a code
as its label, a blank answer), `spreadsheets` (cells a spreadsheet would run as formulas), `pages` (a page of a list with
no count when it all fits on the first).
"""

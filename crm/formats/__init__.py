"""One date format and one date-time format per language (FORMAT_MODULE_PATH), for pages, the admin and forms.

Every template shows a time with the `when` filter (crm/kit/templatetags/kit_dates.py), which uses these. Forms
read these formats and ISO 8601 (2026-12-02, 2026-12-02T11:24), which the browsers' date pickers send; ISO comes
first, so that a date or date-time input is filled in the form its picker reads.
"""

"""One date format for every language: YYYY-MM-DD (and 24-hour times), as Chinese forms and
spreadsheets write dates. Django reads ``<lang>/formats.py`` here before its own locale formats."""

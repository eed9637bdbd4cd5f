"""How the pages, the PDF and the admin write dates and times: "25 Nov 2026", "25 Nov 2026, 14:05".

Found through FORMAT_MODULE_PATH for "en-gb" (Django looks for `en_GB`, then
`en`) and for any other English. Day, abbreviated month and year read alike
in every locale, where 10/03/2026 means 10 March to one reader and 3 October
to another, so the short formats are the same words. The clinical core writes
its messages the same way (`vertebro_rules.dates.in_words`).

Templates say `|date`, `|date:"DATETIME_FORMAT"` and `|time`; Python says
`django.utils.formats.date_format(value)` or `date_format(value, "DATETIME_FORMAT")`.
Machine formats (FHIR, CSV, JSON, `<time datetime>`) keep ISO 8601 and do
not read these. Input formats are Django's for en_GB, unchanged.
"""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"

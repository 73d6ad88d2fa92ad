"""Django's own date formats in Russian, corrected (FORMAT_MODULE_PATH): a day takes the genitive month.

Django's Russian module says "1 март" for MONTH_DAY_FORMAT; "1 марта" is right (format character E).
Pages and e-mails name their dates through common/dates.py (CLDR patterns, Babel); these only cover
what Django formats itself (the admin, a bare `|date`).
"""

DATE_FORMAT = "j E Y"
MONTH_DAY_FORMAT = "j E"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"

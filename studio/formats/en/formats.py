"""Django's own date formats in English, British style and on the 24-hour clock (FORMAT_MODULE_PATH).

Pages and e-mails name their dates through common/dates.py; these only cover what Django formats itself.
"""

DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

"""Dates staff type into the desk: only forms that read the same in every English-speaking
newsroom.

Django's English formats accept "03/04/2010" as 4 March (the US order); a desk working in day,
month, year order would save the wrong day without a word. Here a date is typed as the
calendar widget writes it (2010-04-03) or with the month in words ("3 April 2010", "April 3,
2010", "3 Apr 2010"); all-number forms other than year-month-day are refused with "Enter a
valid date." The formats shown to readers and staff stay Django's (settings.FORMAT_MODULE_PATH
looks here first, then in Django's own module for anything not set here).
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2010-04-03: what the admin's calendar writes
    "%d %B %Y",  # 3 April 2010
    "%d %b %Y",  # 3 Apr 2010
    "%B %d %Y",  # April 3 2010
    "%B %d, %Y",  # April 3, 2010
    "%b %d %Y",  # Apr 3 2010
    "%b %d, %Y",  # Apr 3, 2010
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

# How the desk shows dates and times it did not format itself (the admin's read-only fields and
# list columns): day month year and the 24-hour clock, as the workflow panel writes them
# ("7 Dec 2026, 13:57"), rather than Django's English "Dec. 7, 2026, 1:57 p.m.".
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"

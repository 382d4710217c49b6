"""python-telegram-bot 22 adapter.

PTB 22 warns (PTBDeprecationWarning) every time it builds a RetryAfter, i.e. on every 429, unless the
environment opts in to its future behaviour, where time spans are `datetime.timedelta`. Our code reads
them either way (ptb_adapter.messenger._seconds), and under `filterwarnings = error` the warning would turn
each 429 into a crash, so opt in before any PTB module is used. PTB reads the variable when it builds the
value, so setting it here, on the first import of this adapter, is early enough.
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

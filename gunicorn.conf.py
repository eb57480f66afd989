"""gunicorn settings read when gunicorn is started from the project folder (`gunicorn config.wsgi`).

The access log (off unless `--access-logfile` is given) never records the client's address or user agent:
the crime-reporting portal promises that nothing identifying a reporter's device is stored or logged.
Nor the query string (`%(U)s` is the path alone): the public dossier look-up carries the applicant's
personal identification number there, and searches carry names.
"""

import os

access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

# No client address in the error log; none in the access log for the reporting portal whatever the format an
# operator sets; no payer's address from a payment URL's vnp_IpAddr (config/gunicorn_logging.py).
logger_class = "config.gunicorn_logging.Logger"

# Sync workers, one per core plus one (WEB_CONCURRENCY overrides): on 2 cores this served submissions
# best; threads added GIL switching and cost more CPU per request than they saved (docs/PERFORMANCE.md).
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))

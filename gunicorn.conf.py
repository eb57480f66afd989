"""gunicorn settings read when gunicorn is started from the project folder (`gunicorn config.wsgi`).

The access log (off unless `--access-logfile` is given) never records the client's address or user agent:
the crime-reporting portal promises that nothing identifying a reporter's device is stored or logged.
"""

access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

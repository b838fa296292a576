"""WSGI entry point: `gunicorn bkxh.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

from bkxh.web import limit_statements_of_this_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")

application = get_wsgi_application()
limit_statements_of_this_process()

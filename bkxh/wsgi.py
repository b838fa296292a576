"""WSGI entry point: `gunicorn bkxh.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")

application = get_wsgi_application()

"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

from bkxh.web import limit_statements_of_this_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")

application = get_asgi_application()
limit_statements_of_this_process()

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (after Django is set up)

from config.front import FrontCache  # noqa: E402

# Repeated anonymous pages and API answers are answered from the worker's memory before Django (config/front.py).
application = FrontCache(django_application) if settings.FRONT_CACHE else django_application

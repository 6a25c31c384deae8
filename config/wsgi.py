import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from accounts.checks import warn_at_start  # noqa: E402  (after the apps are loaded)

warn_at_start()  # several workers without a shared cache: every limit is per worker

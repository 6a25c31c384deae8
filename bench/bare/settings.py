"""Settings of the bare app: DEBUG off, no middleware, no database, no installed apps."""

import secrets

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(50)  # nothing is signed; Django only refuses to start without one
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

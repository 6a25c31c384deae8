"""A bare Django app for bench/floor.py: no middleware, no database, no templates; the floor the product is measured
against on the same server, with the same gunicorn config and worker count."""

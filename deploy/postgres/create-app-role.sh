#!/bin/sh
# Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d): the application's own
# role (APP_USER, its password from APP_PASSWORD_FILE) owning its database (APP_DATABASE). The app never connects
# as the superuser; it can create and drop its own tables (migrations, restore) and nothing else.
set -eu
password="$(cat "$APP_PASSWORD_FILE")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="$APP_USER" -v app_database="$APP_DATABASE" -v app_password="$password" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"app_database" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_database" FROM PUBLIC;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$APP_DATABASE" -v app_user="$APP_USER" <<'SQL'
ALTER SCHEMA public OWNER TO :"app_user";
SQL

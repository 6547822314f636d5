#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory
# (mounted into /docker-entrypoint-initdb.d). Creates one database and one
# login user per service, each database owned by its user and closed to
# everyone else: a service's data is read only through its own API.
#
# The password of <service> comes from SALESOPS_<SERVICE>_DB_PASSWORD.
# Adding a service is one word in this list (and its password in the
# environment).
set -euo pipefail

# The gateway keeps its idempotency records in a database of its own too.
SERVICES=(planning pipeline customers performance training gateway)

for service in "${SERVICES[@]}"; do
  password_variable="SALESOPS_${service^^}_DB_PASSWORD"
  password="${!password_variable:-}"
  if [[ -z $password ]]; then
    echo "init-databases: $password_variable is not set; see .env.example" >&2
    exit 1
  fi
  echo "init-databases: creating user and database '$service'"
  # psql variables (:"name" for identifiers, :'password' for literals) quote
  # the values, so a password cannot break the statement.
  psql --no-psqlrc -v ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v name="$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done

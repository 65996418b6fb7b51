#!/usr/bin/env bash
# Installs, configures and starts a real Open Zaak (1.30.0, commit 90dd5eb0) for the interop
# suite (tests/interop/openzaak, `make test-interop`), without Docker, from the vendored source.
# Idempotent like scripts/start-postgres.sh: a second run only checks and (re)starts.
#
#   bash scripts/start-openzaak.sh          # = start: install, db, migrate, configure, run, wait
#   bash scripts/start-openzaak.sh stop     # stops uwsgi and the Selectielijst stand-in (pid files)
#   bash scripts/start-openzaak.sh status
#   bash scripts/start-openzaak.sh catalogue  # the demo municipality's catalogue (the suite does this too)
#
# What it does (timings on 2 cores, first run ~4 min, later runs ~15 s):
#   install    apt: PostGIS for the RUNNING PostgreSQL 15, GDAL, libmagic (PostgreSQL packages pinned
#              to the installed version: never libpq-dev, which upgrades the server underneath itself);
#              Python 3.12 from pyenv; Open Zaak's requirements/base.txt from PyPI (uv pip).
#   db         its own database (openzaak_interop) with postgis and pg_trgm (as the postgres superuser)
#   migrate    once (about 70 s of CPU); skipped while the database holds the same migrations
#   configure  setup_configuration: the site, a JWT client (HS256) with all rights, and the
#              Selectielijst API (an offline stand-in, scripts/openzaak/selectielijst_mock.py)
#   run        uwsgi on 127.0.0.1:8140 with openzaak.conf.ci (local-memory caches: no redis, no
#              frontend build; notifications off), waits until the Zaken API answers
#
# Settings (environment): OPENZAAK_HOME (install and logs, outside the checkout; default
# /var/tmp/mijn-zaken-openzaak), OPENZAAK_TARBALL (default ../shared/vendor/open-zaak-90dd5eb0.tar.gz
# beside the checkout), OPENZAAK_PORT (8140), OPENZAAK_SELECTIELIJST_PORT (8142),
# OPENZAAK_DB_NAME (openzaak_interop), OPENZAAK_CLIENT_ID / OPENZAAK_SECRET (the JWT client),
# OPENZAAK_PYTHON (a Python 3.12; default pyenv's newest 3.12).
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
COMMIT=90dd5eb0
OZ_HOME=${OPENZAAK_HOME:-/var/tmp/mijn-zaken-openzaak}
OZ_PORT=${OPENZAAK_PORT:-8140}
SL_PORT=${OPENZAAK_SELECTIELIJST_PORT:-8142}
DB_NAME=${OPENZAAK_DB_NAME:-openzaak_interop}
CLIENT_ID=${OPENZAAK_CLIENT_ID:-mijn-zaken-interop}
SECRET=${OPENZAAK_SECRET:-mijn-zaken-interop-secret-0123456789abcdef}
SRC=$OZ_HOME/open-zaak-$COMMIT
VENV=$OZ_HOME/venv
RUN=$OZ_HOME/run
export PGPASSWORD=portal

log() { echo "[start-openzaak $(date +%T)] $*" >&2; }

tarball() {
  local candidate
  for candidate in "${OPENZAAK_TARBALL:-}" "$REPO/../shared/vendor/open-zaak-$COMMIT.tar.gz" \
    "$REPO/../../shared/vendor/open-zaak-$COMMIT.tar.gz"; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  log "Open Zaak's source not found: put open-zaak-$COMMIT.tar.gz in ../shared/vendor/ beside the checkout, or set OPENZAAK_TARBALL"
  return 1
}

do_install() {
  local started=$SECONDS
  if ! dpkg -s postgresql-15-postgis-3 gdal-bin libmagic1 >/dev/null 2>&1; then
    # Pin the PostgreSQL packages to the versions the running server has: a newer libpq5 or
    # postgresql-client-15 drags postgresql-15 along under the running server, and then new
    # backends cannot load plpgsql.so (and CREATE EXTENSION postgis fails).
    local pins=() package version
    for package in postgresql-15 postgresql-client-15 libpq5; do
      version=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
      [ -n "$version" ] && pins+=("$package=$version")
    done
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pins[@]}" \
      postgresql-15-postgis-3 gdal-bin libmagic1 media-types gettext build-essential pkg-config libpcre2-dev
  fi
  if [ ! -d "$SRC" ]; then
    local archive; archive=$(tarball)
    mkdir -p "$OZ_HOME"
    tar xzf "$archive" -C "$OZ_HOME"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    # pyproject's "~= 3.12.12" is packaging metadata; Open Zaak runs on any 3.12.
    local python=${OPENZAAK_PYTHON:-$(ls -d "$HOME"/.pyenv/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -1)}
    if [ -z "$python" ] || [ ! -x "$python" ]; then
      log "Python 3.12 not found (pyenv install 3.12, or set OPENZAAK_PYTHON)"; return 1
    fi
    "$python" -m venv "$VENV"
  fi
  if [ ! -x "$VENV/bin/uwsgi" ] || ! "$VENV/bin/python" -c 'import django, rest_framework' 2>/dev/null; then
    local uv; uv=$(command -v uv || true)
    if [ -z "$uv" ]; then "$VENV/bin/pip" install -q uv; uv=$VENV/bin/uv; fi
    SSL_CERT_FILE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt} \
      "$uv" pip install -q --python "$VENV/bin/python" -r "$SRC/requirements/base.txt"
  fi
  mkdir -p "$SRC/log" "$SRC/media" "$SRC/private-media" "$SRC/tmp" "$SRC/cache" "$RUN"
  log "installed ($((SECONDS - started)) s)"
}

write_env() {
  mkdir -p "$RUN"
  cat >"$OZ_HOME/openzaak.env" <<EOF
DJANGO_SETTINGS_MODULE=openzaak.conf.ci
SECRET_KEY=mijn-zaken-interop-not-a-production-secret-0123456789
ENVIRONMENT=interop
ALLOWED_HOSTS=127.0.0.1,localhost
IS_HTTPS=no
SITE_DOMAIN=127.0.0.1:$OZ_PORT
OPENZAAK_DOMAIN=127.0.0.1:$OZ_PORT
DB_HOST=127.0.0.1
DB_PORT=5432
DB_NAME=$DB_NAME
DB_USER=portal
DB_PASSWORD=portal
DB_CONN_MAX_AGE=60
NOTIFICATIONS_DISABLED=true
DISABLE_2FA=true
OTEL_SDK_DISABLED=true
OTEL_SERVICE_NAME=openzaak
LOG_STDOUT=yes
LOG_LEVEL=WARNING
LOG_REQUESTS=false
SENDFILE_BACKEND=django_sendfile.backends.simple
EOF
  set -a
  # shellcheck disable=SC1091
  . "$OZ_HOME/openzaak.env"
  set +a
}

manage() { (cd "$SRC" && "$VENV/bin/python" src/manage.py "$@"); }
sql() { psql -h 127.0.0.1 -U portal -d "$1" -Atqc "$2" 2>/dev/null || true; }

do_db() {
  if [ "$(sql postgres "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != "1" ]; then
    createdb -h 127.0.0.1 -U portal "$DB_NAME"
  fi
  # postgis is not a trusted extension: the superuser creates it.
  PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d "$DB_NAME" \
    -c 'CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm;' >/dev/null
}

do_migrate() {
  # Done when this database still holds as many applied migrations as after our last run of
  # this commit (a no-op `migrate` still costs ~15 s of start-up).
  local have
  have=$(sql "$DB_NAME" "SELECT count(*) FROM django_migrations")
  if [ -f "$RUN/migrated" ] && [ "$(cat "$RUN/migrated")" = "$DB_NAME:$COMMIT:$have" ]; then
    return 0
  fi
  local started=$SECONDS
  manage migrate --no-input >"$RUN/migrate.log" 2>&1 || { tail -30 "$RUN/migrate.log" >&2; return 1; }
  have=$(sql "$DB_NAME" "SELECT count(*) FROM django_migrations")
  echo "$DB_NAME:$COMMIT:$have" >"$RUN/migrated"
  log "migrated ($((SECONDS - started)) s; log $RUN/migrate.log)"
}

do_configure() {
  local file=$OZ_HOME/setup_configuration.yaml
  cat >"$file" <<EOF
sites_config_enable: true
sites_config:
  items:
    - domain: 127.0.0.1:$OZ_PORT
      name: Open Zaak (Mijn Zaken interop)

vng_api_common_credentials_config_enable: true
vng_api_common_credentials:
  items:
    - identifier: $CLIENT_ID
      secret: $SECRET

vng_api_common_applicaties_config_enable: true
vng_api_common_applicaties:
  items:
    - uuid: 5b4f1f3e-6d8a-4c1e-9b0a-2f6f0c1d9e02
      client_ids:
        - $CLIENT_ID
      label: Mijn Zaken (interop suite)
      heeft_alle_autorisaties: true

zgw_consumers_config_enable: true
zgw_consumers:
  services:
    - identifier: selectielijst-offline
      label: Selectielijst API (offline stand-in)
      api_root: http://127.0.0.1:$SL_PORT/api/v1/
      api_connection_check_path: procestypen
      api_type: orc
      auth_type: no_auth

openzaak_selectielijst_config_enable: true
openzaak_selectielijst_config:
  selectielijst_api_service_identifier: selectielijst-offline
  allowed_years: [2017, 2020]
  default_year: 2017
EOF
  local digest; digest=$(sha256sum "$file" | cut -c1-16)
  if [ -f "$RUN/configured" ] && [ "$(cat "$RUN/configured")" = "$DB_NAME:$digest" ] \
    && [ "$(sql "$DB_NAME" "SELECT 1 FROM vng_api_common_jwtsecret WHERE identifier='$CLIENT_ID'")" = "1" ]; then
    return 0
  fi
  # The OAS documents Open Zaak checks Selectielijst URLs against (its Docker image downloads
  # them at build time): Open Zaak's own test copy.
  local spec=$SRC/src/openzaak/selectielijst/tests/files/selectielijst.yaml
  cp "$spec" "$SRC/cache/selectielijst-1.0.0.yaml"
  cp "$spec" "$SRC/cache/vrl-0.5.6.yaml"
  local started=$SECONDS
  manage setup_configuration --yaml-file "$file" >"$RUN/configure.log" 2>&1 \
    || { tail -30 "$RUN/configure.log" >&2; return 1; }
  echo "$DB_NAME:$digest" >"$RUN/configured"
  log "configured ($((SECONDS - started)) s)"
}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
answers() { [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1")" = 200 ]; }

run_selectielijst() {
  alive selectielijst && return 0
  nohup "$VENV/bin/python" "$REPO/scripts/openzaak/selectielijst_mock.py" "$SL_PORT" "$SRC" \
    >"$RUN/selectielijst.log" 2>&1 &
  echo $! >"$RUN/selectielijst.pid"
  for _ in $(seq 50); do answers "http://127.0.0.1:$SL_PORT/api/v1/procestypen" && return 0; sleep 0.2; done
  log "the Selectielijst stand-in did not start (see $RUN/selectielijst.log)"; return 1
}

run_openzaak() {
  if alive uwsgi && answers "http://127.0.0.1:$OZ_PORT/zaken/api/v1/"; then
    log "Open Zaak already runs on http://127.0.0.1:$OZ_PORT (pid $(cat "$RUN/uwsgi.pid"))"; return 0
  fi
  alive uwsgi && do_stop_uwsgi
  local started=$SECONDS
  # One request per connection ("Connection: close"): uwsgi's HTTP router with --http-keepalive
  # reset reused connections after some answers (seen after a POST …/publish).
  (cd "$SRC/src" && exec "$VENV/bin/uwsgi" --http "127.0.0.1:$OZ_PORT" --add-header "Connection: close" \
    --manage-script-name --mount /=openzaak.wsgi:application --master --enable-threads \
    --single-interpreter --die-on-term --need-app --processes "${OPENZAAK_PROCESSES:-2}" \
    --threads "${OPENZAAK_THREADS:-4}" --buffer-size=65535 --max-requests 5000 \
    --disable-logging --pidfile "$RUN/uwsgi.pid" --static-map "/static=$SRC/static" \
    >"$RUN/uwsgi.log" 2>&1 &)
  for _ in $(seq 360); do
    if answers "http://127.0.0.1:$OZ_PORT/zaken/api/v1/"; then
      log "Open Zaak runs on http://127.0.0.1:$OZ_PORT (up in $((SECONDS - started)) s; log $RUN/uwsgi.log)"
      return 0
    fi
    sleep 0.25
  done
  log "Open Zaak did not answer within 90 s; see $RUN/uwsgi.log"; tail -30 "$RUN/uwsgi.log" >&2; return 1
}

do_stop_uwsgi() {
  if alive uwsgi; then
    local pid; pid=$(cat "$RUN/uwsgi.pid")
    kill -INT "$pid"  # the uwsgi master shuts its workers down
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$RUN/uwsgi.pid"
  # uwsgi's HTTP router may hold the port a few seconds longer than the master lives.
  for _ in $(seq 60); do ss -ltn "sport = :$OZ_PORT" | grep -q LISTEN || break; sleep 0.25; done
}

do_stop() {
  do_stop_uwsgi
  if alive selectielijst; then kill "$(cat "$RUN/selectielijst.pid")"; fi
  rm -f "$RUN/selectielijst.pid"
  log "stopped"
}

do_start() {
  local started=$SECONDS
  do_install
  write_env
  do_db
  do_migrate
  do_configure
  run_selectielijst
  run_openzaak
  log "ready in $((SECONDS - started)) s: http://127.0.0.1:$OZ_PORT (client $CLIENT_ID)"
}

case "${1:-start}" in
  start) do_start ;;
  install) do_install ;;
  stop) do_stop ;;
  status)
    for name in uwsgi selectielijst; do
      if alive "$name"; then echo "$name running (pid $(cat "$RUN/$name.pid"))"; else echo "$name stopped"; fi
    done ;;
  catalogue)
    cd "$REPO" && OPENZAAK_URL="http://127.0.0.1:$OZ_PORT" OPENZAAK_CLIENT_ID=$CLIENT_ID OPENZAAK_SECRET=$SECRET \
      OPENZAAK_SELECTIELIJST_URL="http://127.0.0.1:$SL_PORT/api/v1" uv run python -m tests.interop.openzaak_catalogue ;;
  *) echo "usage: $0 [start|stop|status|install|catalogue]" >&2; exit 2 ;;
esac

#!/bin/sh
# Install mysqlclient (the MySQL/MariaDB driver) into the virtualenv. It compiles against the client
# headers; where they are missing and cannot be installed, say so in one line and carry on: the app then
# runs on its embedded SQLite default.
python="$1"
headers() { pkg-config --exists mysqlclient 2>/dev/null || pkg-config --exists libmariadb 2>/dev/null || command -v mysql_config >/dev/null 2>&1; }
if ! headers && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get install -y -qq libmariadb-dev pkg-config >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libmariadb-dev pkg-config >/dev/null 2>&1; }) || true
fi
if headers && "$python" -m pip install --quiet -r requirements-mysql.txt >/dev/null 2>&1; then
    exit 0
fi
echo "mysqlclient not installed (MySQL/MariaDB client headers missing: install libmariadb-dev and pkg-config for MySQL); continuing with SQLite."

#!/bin/bash
# The official postgres image's docker-entrypoint.sh, condensed to its path
# without init scripts: docker_create_db_directories, the step down to the
# postgres user when root, initdb, pg_hba, then postgres.
set -Eeo pipefail
export PATH=/usr/lib/postgresql/15/bin:$PATH
: "${PGDATA:=/var/lib/postgresql/data}"
docker_create_db_directories() {
	local user
	user="$(id -u)"
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ "$user" = '0' ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}
if [ "$1" = 'postgres' ]; then
	docker_create_db_directories
	if [ "$(id -u)" = '0' ]; then
		exec gosu postgres "${BASH_SOURCE[0]}" "$@"
	fi
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		# shellcheck disable=SC2086 # as the official script
		initdb --username=postgres --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
		printf '\nhost all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
	fi
	set -- "$@" -c listen_addresses='*'
fi
exec "$@"

# shellcheck shell=bash
# The compatibility suite's workloads (compat.bats, compat-docker.bats):
# seven servers from Debian's packages, each as root and as its named
# user, set up as their official images (tests/lib/compat/) and run as
# Kubernetes runs them: containerd's default capabilities, a writable root,
# 0777 volumes where the image declares a VOLUME, the container's own
# network namespace. Each is probed from inside that namespace, on
# loopback only (compat-probe.py).

: "${HARDRUN_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"

COMPAT_PROBE="$HARDRUN_SRCDIR/tests/e2e/compat-probe.py"
COMPAT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# compat_tree: builds or finds the root filesystem (tests/lib/compat-rootfs.sh)
# and exports COMPAT_TREE, or sets COMPAT_SKIP to the reason it cannot.
compat_tree() {
	export COMPAT_SKIP="" COMPAT_TREE=""
	if [ "$(id -u)" -ne 0 ]; then
		COMPAT_SKIP="needs root"
		return 0
	fi
	local out rc=0
	out=$("$HARDRUN_SRCDIR/tests/lib/compat-rootfs.sh" 2>&1) || rc=$?
	if [ $rc -eq 77 ]; then
		COMPAT_SKIP="cannot fetch Debian's server packages (no mirror?): ${out##*$'\n'}"
	elif [ $rc -ne 0 ]; then
		echo "compat-rootfs.sh failed: $out" >&2
		return 1
	else
		COMPAT_TREE=${out##*$'\n'}
	fi
}

# workload NAME root|named: sets W_ARGS (JSON), W_UID, W_GID, W_CWD,
# W_ENV (JSON), W_VOLS (container paths that get a 0777 volume),
# W_KIND and W_PORT (what compat-probe.py asks).
workload() {
	local name=$1 as=$2
	W_UID=0 W_GID=0 W_CWD=/ W_ENV='[]' W_VOLS="" W_PORT=80 W_KIND=http
	case $name in
	nginx)
		if [ "$as" = root ]; then
			W_ARGS='["nginx","-c","/etc/nginx/nginx-official.conf","-g","daemon off;"]'
		else
			W_ARGS='["nginx","-c","/etc/nginx/nginx-unprivileged.conf","-g","daemon off;"]'
			W_UID=33 W_GID=33
		fi
		;;
	redis)
		W_ARGS='["/usr/local/bin/redis-entrypoint.sh","redis-server","--protected-mode","no"]'
		W_CWD=/data W_VOLS=/data W_KIND=redis W_PORT=6379
		[ "$as" = root ] || { W_UID=100 W_GID=101; }
		;;
	postgres)
		W_ARGS='["/usr/local/bin/postgres-entrypoint.sh","postgres"]'
		# the official image's advice for a volume's root: PGDATA below it
		W_ENV='["PGDATA=/var/lib/postgresql/data/pgdata","POSTGRES_PASSWORD=compat",
			"POSTGRES_INITDB_ARGS=--locale=C --encoding=UTF8 --no-sync"]'
		W_VOLS=/var/lib/postgresql/data W_KIND=postgres W_PORT=5432
		[ "$as" = root ] || { W_UID=102 W_GID=103; }
		;;
	memcached)
		# memcached refuses to run as root without -u
		if [ "$as" = root ]; then
			W_ARGS='["memcached","-u","memcache"]'
		else
			W_ARGS='["memcached"]'
			W_UID=104 W_GID=105
		fi
		W_KIND=memcached W_PORT=11211
		;;
	haproxy)
		if [ "$as" = root ]; then
			W_ARGS='["haproxy","-db","-f","/etc/haproxy/haproxy-debian.cfg"]'
		else
			W_ARGS='["haproxy","-db","-f","/etc/haproxy/haproxy-official.cfg"]'
			W_UID=106 W_GID=107
		fi
		;;
	lighttpd)
		if [ "$as" = root ]; then
			W_ARGS='["lighttpd","-D","-f","/etc/lighttpd/lighttpd.conf"]'
		else
			W_ARGS='["lighttpd","-D","-f","/etc/lighttpd/lighttpd-unprivileged.conf"]'
			W_UID=33 W_GID=33
		fi
		;;
	python)
		W_ARGS='["python3.11","-m","http.server","80","--directory","/var/www/html"]'
		[ "$as" = root ] || { W_UID=1000 W_GID=1000; }
		;;
	*)
		echo "no workload $name" >&2
		return 1
		;;
	esac
}

# containerd's (and Docker's) default capability set
COMPAT_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
	"CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

# compat_bundle DIR: a bundle for the workload set by `workload`, its
# root filesystem an overlay on COMPAT_TREE (nothing is copied, nothing
# written to the tree).
compat_bundle() {
	local b=$1 v i=0 mounts='[]'
	mkdir -p "$b/rootfs" "$b/upper" "$b/work"
	mount -t overlay overlay -o "lowerdir=$COMPAT_TREE,upperdir=$b/upper,workdir=$b/work" "$b/rootfs"
	for v in $W_VOLS; do
		mkdir -p "$b/vol$i"
		chmod 0777 "$b/vol$i"
		mounts=$(jq -c --arg s "$b/vol$i" --arg d "$v" '. + [{destination: $d, type: "bind", source: $s,
			options: ["rbind", "rw"]}]' <<<"$mounts")
		i=$((i + 1))
	done
	(cd "$b" && runc spec)
	jq --argjson args "$W_ARGS" --argjson env "$W_ENV" --argjson caps "$COMPAT_CAPS" --argjson vols "$mounts" \
		--arg cwd "$W_CWD" --arg path "PATH=$COMPAT_PATH" --argjson uid "$W_UID" --argjson gid "$W_GID" '
		.process.terminal = false | .process.args = $args | .process.cwd = $cwd
		| .process.env = [$path, "LANG=C.UTF-8"] + $env
		| .process.user = {uid: $uid, gid: $gid}
		| .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
		| .process.noNewPrivileges = false
		| .root.readonly = false
		| .mounts += $vols' "$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
}

compat_unmount() {
	local b=$1
	mountpoint -q "$b/rootfs" 2>/dev/null && umount -l "$b/rootfs"
	return 0
}

# compat_probe PID: is the workload serving in PID's network namespace?
compat_probe() {
	nsenter --net="/proc/$1/ns/net" /usr/bin/python3 "$COMPAT_PROBE" "$W_KIND" "$W_PORT" "$1"
}

# Throw-away PostgreSQL and Redis servers for tests and benchmarks, bound to 127.0.0.1 only.
# Source this file, then: lso_start_postgres DIR PORT / lso_stop_postgres DIR,
#                         lso_start_redis DIR PORT    / lso_stop_redis DIR.

LSO_PG_BIN=${LSO_PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the PostgreSQL server's owner: the `postgres` OS user when we are root
# (the server refuses to run as root), else the current user.
_lso_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# lso_start_postgres DIR PORT: initdb into DIR (first time only), start the server, create the
# database `lso`, export LSO_TEST_POSTGRES_URL. DIR is the data directory and holds the log.
lso_start_postgres() {
  local dir=${1:-} port=${2:-}
  if [ -z "$dir" ] || [ -z "$port" ]; then
    echo "usage: lso_start_postgres DIR PORT" >&2
    return 2
  fi
  mkdir -p "$dir" || return 1
  dir=$(cd "$dir" && pwd) || return 1
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir" || return 1
  fi
  chmod 700 "$dir" || return 1
  if [ ! -s "$dir/PG_VERSION" ]; then
    local out
    out=$(_lso_as_pg "$LSO_PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 2>&1) || { echo "$out" >&2; return 1; }
  fi
  # Settings on the command line so a reused DIR always runs with these values. A server already
  # running from DIR is reused as it is.
  if ! _lso_as_pg "$LSO_PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    _lso_as_pg "$LSO_PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" \
      >/dev/null || { tail -n 20 "$dir/server.log" >&2; return 1; }
  fi
  if ! _lso_as_pg "$LSO_PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq \
      -c "SELECT 1 FROM pg_database WHERE datname = 'lso'" | grep -q 1; then
    _lso_as_pg "$LSO_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres lso || return 1
  fi
  export LSO_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/lso"
}

# lso_stop_postgres DIR: fast shutdown of the server whose data directory is DIR (pg_ctl signals
# the pid in DIR/postmaster.pid, i.e. only the server started there).
lso_stop_postgres() {
  local dir=${1:?usage: lso_stop_postgres DIR}
  [ -f "$dir/postmaster.pid" ] || return 0
  _lso_as_pg "$LSO_PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
}

# lso_start_redis DIR PORT: a daemonised redis-server without persistence, its pid, log and any
# files in DIR; waits until it answers, exports LSO_TEST_REDIS_URL.
lso_start_redis() {
  local dir=${1:-} port=${2:-}
  if [ -z "$dir" ] || [ -z "$port" ]; then
    echo "usage: lso_start_redis DIR PORT" >&2
    return 2
  fi
  mkdir -p "$dir" || return 1
  dir=$(cd "$dir" && pwd) || return 1
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no || return 1
  local tries=0
  while [ "$tries" -lt 100 ]; do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
      export LSO_TEST_REDIS_URL="redis://127.0.0.1:$port"
      return 0
    fi
    tries=$((tries + 1))
    sleep 0.1
  done
  echo "redis-server on port $port did not answer; see $dir/redis.log" >&2
  return 1
}

# lso_stop_redis DIR: stops the redis-server whose pid file is in DIR and waits for it to exit.
lso_stop_redis() {
  local dir=${1:?usage: lso_stop_redis DIR} pid tries=0
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 100 ]; do
      tries=$((tries + 1))
      sleep 0.1
    done
  fi
  rm -f "$dir/redis.pid"
}

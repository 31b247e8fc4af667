# Shared helpers of the project's scripts: repository paths, logging, idempotent installs
# (apt packages from apt-packages.txt, npm packages from lock files) and builds.
# Sourced, not executed.

LSO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LSO_ROOT

lso_log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
lso_warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
lso_die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

lso_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    lso_die "need root (or sudo) to run: $*"; fi
}

# Packages of one block of apt-packages.txt ("build"), or of the whole file ("all").
lso_apt_list() {
  local which="$1"
  awk -v which="$which" '
    /^# build/ { block = "build"; next }
    /^# scripts only/ { block = "scripts"; next }
    /^#/ || NF == 0 { next }
    which == "all" || block == which { print $1 }
  ' "$LSO_ROOT/scripts/lib/apt-packages.txt"
}

# Installs whatever is missing; a set-up machine costs one dpkg query.
lso_ensure_apt() {
  local missing=()
  for p in $(lso_apt_list "$1"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    lso_log "installing Debian packages: ${missing[*]}"
    lso_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    lso_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

lso_ensure_node() {
  command -v node >/dev/null || lso_die "Node.js 20.19+ is required (node not found on PATH)"
  local v
  v="$(node -p 'process.versions.node')"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    lso_die "Node.js 20.19+ is required (found $v)"
}

# npm ci when node_modules is missing or older than the lock file.
lso_ensure_npm() {
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    lso_log "installing npm packages in ${dir#$LSO_ROOT/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Configures (once) and builds a CMake preset; extra arguments are build targets.
lso_build_server() {
  local preset="$1"; shift
  local dir="$LSO_ROOT/build/$preset"
  if [ ! -f "$dir/build.ninja" ]; then
    lso_log "configuring the server ($preset)"
    (cd "$LSO_ROOT/server" && cmake --preset "$preset" >/dev/null)
  fi
  lso_log "building the server ($preset)"
  if [ $# -gt 0 ]; then
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    cmake --build "$dir" "${targets[@]}"
  else
    cmake --build "$dir"
  fi
}

lso_build_client() {
  lso_ensure_npm "$LSO_ROOT/client"
  lso_log "building the web client"
  (cd "$LSO_ROOT/client" && npm run build --silent >/dev/null)
}

# A free TCP port on 127.0.0.1.
lso_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until an HTTP URL answers (any status), up to $2 seconds.
lso_wait_http() {
  local url="$1" limit="${2:-30}" i=0
  while ! curl -s -o /dev/null "$url"; do
    i=$((i + 1)); [ "$i" -ge $((limit * 10)) ] && return 1; sleep 0.1
  done
}

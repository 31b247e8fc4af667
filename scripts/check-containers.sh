#!/usr/bin/env bash
# Offline checks of the container setup (no Docker engine needed): the compose file validates for
# both profiles, no service depends on one outside its profile, every file the Dockerfiles COPY
# and the compose file mounts exists, the server image's build packages are the ones
# scripts/lib/apt-packages.txt lists, the nginx sites parse (when nginx is installed), and every
# variable the server reads is documented.
# With nginx, curl and python3 present it also runs both nginx sites chained as in the compose
# setup (client -> lb -> a stand-in orchestrator) and checks their behaviour.
# Usage: scripts/check-containers.sh        Exit status 0 when every check passes.
set -euo pipefail

cd "$(dirname "$0")/.."
repo_root=$(pwd)
compose_file=docker-compose.yml
package_list=scripts/lib/apt-packages.txt
failures=0

pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; failures=$((failures + 1)); }
skip() { printf 'skip  %s\n' "$*"; }

cleanup_paths=()
cleanup_pids=()
cleanup() {
  if ((${#cleanup_pids[@]})); then kill "${cleanup_pids[@]}" 2>/dev/null || true; fi
  if ((${#cleanup_paths[@]})); then rm -rf "${cleanup_paths[@]}"; fi
}
trap cleanup EXIT

# ---- 1. docker-compose validates the file for each profile

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose is not installed (Debian: apt-get install -y docker-compose; scripts/setup installs it)" >&2
  exit 1
fi

# The compose file reads .env.docker (env_file), which is not in git: validate with the example.
if [[ ! -f .env.docker ]]; then
  cp .env.docker.example .env.docker
  cleanup_paths+=("$repo_root/.env.docker")
fi

# docker-compose 1.29 takes `--profile NAME` before the command, and COMPOSE_PROFILES as well;
# the flag is used here because it is what the README tells users to type.
compose_valid=1
for profile in prod dev; do
  if out=$(docker-compose -f "$compose_file" --profile "$profile" config -q 2>&1); then
    pass "docker-compose --profile $profile config -q"
  else
    fail "docker-compose --profile $profile config -q: $out"
    compose_valid=0
  fi
done

# `config` does not check profiles against depends_on, but `up` refuses a service that depends on
# one its profile does not enable. Check that on the resolved file, with the Python that runs
# docker-compose (it has PyYAML).
compose_python=$(head -n 1 "$(command -v docker-compose)" | sed -n 's/^#! *//p' | awk '{print $1}')
if [[ -z "$compose_python" || ! -x "$compose_python" ]] || ! "$compose_python" -c 'import yaml' 2>/dev/null; then
  compose_python=python3
fi
if ((!compose_valid)); then
  skip "profile/depends_on check: the compose file does not validate"
elif "$compose_python" -c 'import yaml' 2>/dev/null; then
  if out=$(docker-compose -f "$compose_file" config 2>&1 | "$compose_python" -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
problems = []
for profile in ("prod", "dev"):
    enabled = {n for n, s in services.items() if not s.get("profiles") or profile in s["profiles"]}
    if not enabled:
        problems.append(f"profile {profile} enables no service")
    for name in sorted(enabled):
        deps = services[name].get("depends_on") or {}
        for dep in deps:
            if dep not in enabled:
                problems.append(f"{name} depends on {dep}, which profile {profile} does not enable")
print("\n".join(problems))
sys.exit(1 if problems else 0)
'); then
    pass "every depends_on target is enabled by the same profile"
  else
    fail "profiles and depends_on disagree: $out"
  fi
else
  skip "profile/depends_on check: no Python with PyYAML"
fi

# ---- 2. every file the Dockerfiles COPY and the compose file mounts exists

for dockerfile in deploy/*.Dockerfile; do
  # Join continuation lines, keep COPY instructions that read the build context (not --from=).
  while read -r -a words; do
    sources=()
    for word in "${words[@]:1}"; do
      [[ "$word" == --* ]] && continue
      sources+=("$word")
    done
    unset 'sources[${#sources[@]}-1]'  # the last word is the destination
    for src in "${sources[@]}"; do
      # shellcheck disable=SC2206  # globbing is intended: COPY accepts wildcards
      matches=($src)
      if [[ -e "${matches[0]}" ]]; then
        pass "$dockerfile: COPY source $src exists"
      else
        fail "$dockerfile: COPY source $src does not exist in the repository"
      fi
    done
  done < <(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile" | grep -E '^\s*COPY\s' | grep -v -- '--from=')
done

while read -r mount; do
  if [[ -e "$mount" ]]; then
    pass "$compose_file: mounted file $mount exists"
  else
    fail "$compose_file: mounted file $mount does not exist"
  fi
done < <(grep -oE '^\s*-\s*\./[^:]+' "$compose_file" | sed -E 's/^\s*-\s*//')

# ---- 3. the server build stage installs exactly the build packages of the package list

# The apt-get install of the stage named `build`, continuation lines joined.
build_packages=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' deploy/server.Dockerfile \
  | awk '/^FROM .* AS build/ {in_build=1; next} /^FROM / {in_build=0} in_build && /apt-get install/' \
  | sed -E 's/.*apt-get install//; s/&&.*//' | tr -s ' ' '\n' | grep -v -e '^-' -e '^$' | sort -u)
list_all=$(sed -e 's/#.*//' "$package_list" | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
list_build=$(awk '/^# build/ {on=1; next} /^# / {on=0} on' "$package_list" \
  | sed -e 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)

if [[ -z "$build_packages" ]]; then
  fail "deploy/server.Dockerfile: found no apt-get install in the build stage"
fi
missing=$(comm -23 <(echo "$build_packages") <(echo "$list_all"))
if [[ -n "$missing" ]]; then
  fail "deploy/server.Dockerfile installs packages missing from $package_list (so scripts/setup would not install them):" $missing
else
  pass "every build-stage package is listed in $package_list"
fi
extra=$(comm -23 <(echo "$build_packages") <(echo "$list_build"))
absent=$(comm -13 <(echo "$build_packages") <(echo "$list_build"))
if [[ -n "$extra" || -n "$absent" ]]; then
  fail "build stage and the '# build' block of $package_list differ: only in the Dockerfile:" \
    ${extra:-none} "; only in the list:" ${absent:-none}
else
  pass "build stage installs exactly the '# build' block of $package_list"
fi

# Every package named by either stage exists in this machine's Debian archive (catches typos such
# as a wrong soname in a runtime library); skipped without apt package lists.
if command -v apt-cache >/dev/null 2>&1 && apt-cache show bash >/dev/null 2>&1; then
  all_image_packages=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' deploy/server.Dockerfile \
    | grep 'apt-get install' | sed -E 's/.*apt-get install//; s/&&.*//' \
    | tr -s ' ' '\n' | grep -v -e '^-' -e '^$' | sort -u)
  # One apt-cache call for all: "name:" lines start each package's block; a package apt does
  # not know has no block, one without an installable version has "Candidate: (none)".
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  known=$(apt-cache policy $all_image_packages 2>/dev/null | awk '
    /^[^ ]+:$/ {name = substr($1, 1, length($1) - 1)}
    /Candidate:/ && $2 != "(none)" {print name}' | sort -u)
  mapfile -t unknown < <(comm -23 <(echo "$all_image_packages") <(echo "$known"))
  if ((${#unknown[@]})); then
    fail "deploy/server.Dockerfile names packages this Debian does not have: ${unknown[*]}"
  else
    pass "every package of deploy/server.Dockerfile exists in the Debian archive"
  fi
else
  skip "package existence: no apt package lists on this machine"
fi

# ---- 4. LiveKit keys agree between deploy/livekit.yaml and .env.docker.example

key=$(sed -n 's/^LIVEKIT_API_KEY=//p' .env.docker.example)
secret=$(sed -n 's/^LIVEKIT_API_SECRET=//p' .env.docker.example)
if grep -qE "^\s+${key}: ${secret}\s*$" deploy/livekit.yaml \
  && grep -qE "^\s+api_key: ${key}\s*$" deploy/livekit.yaml; then
  pass "deploy/livekit.yaml keys and webhook key match .env.docker.example"
else
  fail "deploy/livekit.yaml keys/webhook api_key do not match LIVEKIT_API_KEY/SECRET of .env.docker.example"
fi

# ---- 5. nginx sites parse (container host names mapped to 127.0.0.1)

if command -v nginx >/dev/null 2>&1; then
  for site in deploy/nginx/*.conf; do
    dir=$(mktemp -d)
    cleanup_paths+=("$dir")
    sed -E 's/server (lb|orchestrator-[0-9]+):/server 127.0.0.1:/' "$site" >"$dir/site.conf"
    cat >"$dir/nginx.conf" <<EOF
pid $dir/nginx.pid;
error_log stderr;
events {}
http {
  include /etc/nginx/mime.types;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  include $dir/site.conf;
}
EOF
    if out=$(nginx -t -q -p "$dir" -c "$dir/nginx.conf" 2>&1); then
      pass "nginx -t $site"
    else
      fail "nginx -t $site: $out"
    fi
  done
else
  skip "nginx -t: nginx is not installed"
fi

# nginx 1.22 forwards small events promptly even when buffering, so the run below cannot catch a
# lost `proxy_buffering off`; read the SSE locations instead. Both must exist in both sites.
for site in deploy/nginx/*.conf; do
  for location in 'location = /api/v1/events {' 'location ~ ^/api/v1/livestreams/[^/]+/events$ {'; do
    block=$(awk -v start="$location" 'index($0, start) {on=1} on {print} on && /^[[:space:]]*}/ {exit}' "$site")
    missing=()
    for directive in 'proxy_buffering off;' 'proxy_cache off;' 'proxy_read_timeout 1h;' 'proxy_http_version 1.1;'; do
      [[ "$block" == *"$directive"* ]] || missing+=("$directive")
    done
    if [[ -z "$block" ]]; then
      fail "$site: no '$location' block"
    elif ((${#missing[@]})); then
      fail "$site: '$location' lacks ${missing[*]}"
    else
      pass "$site: '$location' unbuffered with a 1 h read timeout"
    fi
  done
  if grep -qE 'proxy_set_header[[:space:]]+Connection[[:space:]]+"";' "$site"; then
    pass "$site: upstream Connection header cleared (keep-alive, SSE over HTTP/1.1)"
  else
    fail "$site: no 'proxy_set_header Connection \"\";'"
  fi
done

# ---- 6. nginx sites behave: browser -> client.conf -> lb.conf -> stand-in orchestrator

if command -v nginx >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  dir=$(mktemp -d)
  cleanup_paths+=("$dir")
  read -r edge_port lb_port backend_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
  mkdir -p "$dir/html/assets"
  echo '<!doctype html><title>spa</title>' >"$dir/html/index.html"
  # The stand-in answers JSON describing what reached it, and an SSE stream of 3 events 1 s apart.
  cat >"$dir/backend.py" <<'EOF'
import json, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        if self.path.endswith("/events"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(3):
                event = f"event: state\nid: {i}\ndata: {{}}\n\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
                time.sleep(1)
            self.wfile.write(b"0\r\n\r\n")
            return
        body = json.dumps({"path": self.path, "xff": self.headers.get("X-Forwarded-For")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
EOF
  python3 "$dir/backend.py" "$backend_port" &
  cleanup_pids+=($!)
  # Container names and ports become local ones; the loopback network stands for Docker's; the
  # edge's upstream is renamed because both sites now share one nginx.
  sed -E -e "s/listen 80 default_server/listen 127.0.0.1:$edge_port/" \
    -e "s/server lb:80/server 127.0.0.1:$lb_port/" \
    -e 's/upstream orchestrator/upstream edge_upstream/; s#http://orchestrator;#http://edge_upstream;#' \
    -e "s#root /usr/share/nginx/html#root $dir/html#" deploy/nginx/client.conf >"$dir/client.site"
  sed -E -e "s/listen 80 default_server/listen 127.0.0.1:$lb_port/" \
    -e "s/orchestrator-[0-9]+:3001/127.0.0.1:$backend_port/" \
    -e 's#(set_real_ip_from 10.0.0.0/8;)#\1 set_real_ip_from 127.0.0.0/8;#' deploy/nginx/lb.conf >"$dir/lb.site"
  cat >"$dir/nginx.conf" <<EOF
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  include $dir/client.site;
  include $dir/lb.site;
}
EOF
  if nginx -p "$dir" -c "$dir/nginx.conf" 2>"$dir/start.log"; then
    for _ in $(seq 50); do [[ -s "$dir/nginx.pid" ]] && break; sleep 0.1; done
    cleanup_pids+=("$(cat "$dir/nginx.pid")")
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$backend_port/" && break; sleep 0.1; done
    edge="http://127.0.0.1:$edge_port"

    spa=$(curl -s -D "$dir/spa.headers" "$edge/livestreams/some-id")
    if [[ "$spa" == *"<title>spa</title>"* ]] && grep -qi '^X-Frame-Options: DENY' "$dir/spa.headers" \
      && grep -qi '^X-Content-Type-Options: nosniff' "$dir/spa.headers" \
      && grep -qi '^Content-Security-Policy: .*connect-src' "$dir/spa.headers" \
      && grep -qi '^Referrer-Policy:' "$dir/spa.headers"; then
      pass "client.conf: SPA fallback with security headers"
    else
      fail "client.conf: SPA fallback or security headers missing"
    fi

    # A browser on 127.0.0.2 claiming another address: the orchestrator must see 127.0.0.2 alone.
    api=$(curl -s --interface 127.0.0.2 -H 'X-Forwarded-For: 203.0.113.9' "$edge/api/v1/livestreams?limit=1")
    if [[ "$api" == *'"path": "/api/v1/livestreams?limit=1"'* && "$api" == *'"xff": "127.0.0.2"'* ]]; then
      pass "client.conf + lb.conf: /api/ proxied, X-Forwarded-For is the browser's address only"
    else
      fail "client.conf + lb.conf: /api/ proxying or X-Forwarded-For wrong: $api"
    fi

    health=$(curl -s "$edge/health/ready")
    if [[ "$health" == *'"path": "/health/ready"'* ]]; then
      pass "client.conf: /health proxied"
    else
      fail "client.conf: /health not proxied: $health"
    fi

    # Unbuffered: 3 events sent 1 s apart must arrive about 1 s apart, not together at the end.
    for path in /api/v1/events /api/v1/livestreams/some-id/events; do
      arrivals=$(curl -sN --max-time 10 "$edge$path" | while IFS= read -r line; do
        if [[ "$line" == event:* ]]; then date +%s.%N; fi
      done || true)
      spread=$(echo "$arrivals" | awk 'NR==1 {first=$1} {last=$1} END {printf "%.1f", last-first}')
      if [[ $(echo "$arrivals" | wc -l) -eq 3 ]] && awk -v s="$spread" 'BEGIN {exit !(s >= 1.5)}'; then
        pass "client.conf + lb.conf: SSE $path events pass both proxies as sent (spread over ${spread}s)"
      else
        fail "client.conf + lb.conf: SSE $path events held back or cut (spread over ${spread:-?}s)"
      fi
    done
  else
    fail "nginx would not start with both sites: $(cat "$dir/start.log")"
  fi
else
  skip "nginx behaviour: needs nginx, curl and python3"
fi

# ---- 7. every variable the server reads is in .env.docker.example and docs/operations.md

settings_source=server/src/config/settings_table.cpp
if [[ -f "$settings_source" ]]; then
  # The table of settings: entries starting {"NAME", …
  mapfile -t variables < <(grep -oE '^[[:space:]]*\{"[A-Z][A-Z0-9_]+"' "$settings_source" | grep -oE '[A-Z][A-Z0-9_]+')
  undocumented=()
  for variable in "${variables[@]}"; do
    grep -qE "^#? ?${variable}=" .env.docker.example || undocumented+=(".env.docker.example:$variable")
    grep -qF "\`${variable}\`" docs/operations.md || undocumented+=("docs/operations.md:$variable")
  done
  if ((${#variables[@]} == 0)); then
    fail "$settings_source: found no variable table"
  elif ((${#undocumented[@]})); then
    fail "variables the server reads but the docs do not list: ${undocumented[*]}"
  else
    pass "all ${#variables[@]} server variables are in .env.docker.example and docs/operations.md"
  fi
else
  skip "variable coverage: $settings_source not found"
fi

if ((failures)); then
  echo "check-containers: $failures check(s) failed" >&2
  exit 1
fi
echo "check-containers: all checks passed"

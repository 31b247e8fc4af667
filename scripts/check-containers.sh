#!/usr/bin/env bash
# Offline checks of the container setup (no Docker engine needed): the compose file validates for
# both profiles, no service depends on one outside its profile, every file the Dockerfiles COPY
# and the compose file mounts exists, the server image's build packages are the ones
# scripts/lib/apt-packages.txt lists, and the nginx sites parse (when nginx is installed).
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
cleanup() { if ((${#cleanup_paths[@]})); then rm -rf "${cleanup_paths[@]}"; fi; }
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
  unknown=()
  for package in $all_image_packages; do
    candidate=$(apt-cache policy "$package" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
      unknown+=("$package")
    fi
  done
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

if ((failures)); then
  echo "check-containers: $failures check(s) failed" >&2
  exit 1
fi
echo "check-containers: all checks passed"

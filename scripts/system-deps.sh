#!/usr/bin/env bash
# Installs the Debian packages the platform needs, so a fresh machine and CI start the same.
#   system-deps.sh run   -> Python venv support
#   system-deps.sh test  -> plus Debian's chromium (Playwright drives it) and CJK fonts
set -euo pipefail
want=(python3-venv)
if [[ "${1:-run}" == "test" ]]; then
  want+=(chromium fonts-noto-cjk)
fi
missing=()
for pkg in "${want[@]}"; do
  # A Python that already makes venvs (pyenv, a custom build) needs no python3-venv package.
  if [[ "$pkg" == python3-venv ]] && python3 -c 'import ensurepip, venv' 2>/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

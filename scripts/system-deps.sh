#!/usr/bin/env bash
# Debian packages the hotline needs on a fresh machine: installed only when missing.
#   debootstrap  builds the Asterisk root (Debian sid) when the host has no Asterisk >= 20
#   espeak-ng, sox  make the prompts from their texts
#   ghostscript, fonts-wqy-microhei, Pango  statements as PDF (WeasyPrint) and fax TIFF, Chinese text included
#   sip-tester (SIPp), baresip  real SIP peers for tests
#   postgresql  the server binaries the tests start throwaway clusters with
#   libtiff-tools  tiff2pdf, a fax to the complaints number kept as a PDF (and tiffinfo in tests)
#   chromium  the browser Playwright drives in tests/browser (never `playwright install`)
set -euo pipefail

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
command -v gs >/dev/null || need+=(ghostscript)
command -v tiff2pdf >/dev/null || need+=(libtiff-tools)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
done
if [[ "${1:-}" == "--test" ]]; then
  command -v sipp >/dev/null || need+=(sip-tester)
  command -v baresip >/dev/null || need+=(baresip)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
fi
if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "[system] installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "[system] done" >&2

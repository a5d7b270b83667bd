# shellcheck shell=bash
# Source this file: installs, with apt, the independent reference tools the tests check our
# formats against, when they are missing and we may install (root, or passwordless sudo).
# Tests that still cannot find a tool skip with a printed reason; they never count as passes.
#   evtxexport  (libevtx-utils)  and  evtx_dump.py (python3-evtx): Security.evtx
#   cabextract  (cabextract):    MPSupportFiles.cab
#   xlrd (python3-xlrd), file:   CollectionSummaryReport.xls in its Excel 97-2003 form
#   chromium    (chromium):      the triage report page, driven by playwright-core
#   openssl:                     RFC 3161 timestamps (openssl ts), test CAs
pmf_ensure_system_tools() {
  local missing=() sudo=""
  command -v evtxexport >/dev/null 2>&1 || missing+=(libevtx-utils)
  command -v evtx_dump.py >/dev/null 2>&1 || missing+=(python3-evtx)
  command -v cabextract >/dev/null 2>&1 || missing+=(cabextract)
  /usr/bin/python3 -c "import xlrd" >/dev/null 2>&1 || missing+=(python3-xlrd)
  command -v file >/dev/null 2>&1 || missing+=(file)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "[system tools] all present"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "[system tools] missing ${missing[*]}; not root and no sudo: the suites that need them skip and say why"
      return 0
    fi
  fi
  echo "[system tools] installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null 2>&1 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } ||
    echo "[system tools] apt could not install ${missing[*]}: the suites that need them skip and say why"
}

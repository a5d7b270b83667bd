#!/usr/bin/env bash
# Writes the job's GitHub OIDC token, issued for Entra ID (audience api://AzureADTokenExchange),
# to $AZURE_FEDERATED_TOKEN_FILE. @azure/identity (the provider) and the Azure SDK inside the
# Pulumi CLI (azblob:// state, azurekeyvault:// secrets) exchange it for access tokens; no secret
# is stored anywhere.
#
#   federated-token.sh           write the token once
#   federated-token.sh --keep    write it, then rewrite it every 4 minutes until killed
#
# Why --keep: GitHub's tokens expire after about 5 minutes and Entra's access tokens after about
# an hour; a `pulumi up` waiting on a slow device outlives both. @azure/identity re-reads the
# file every 5 minutes, so a fresh token is always there when it needs a new access token.
# Needs `permissions: id-token: write` on the job, curl and jq.
set -euo pipefail
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?missing: the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?missing: the job needs permissions: id-token: write}"
: "${AZURE_FEDERATED_TOKEN_FILE:?set AZURE_FEDERATED_TOKEN_FILE to where the token should go}"
AUDIENCE="${AZURE_FEDERATED_AUDIENCE:-api://AzureADTokenExchange}"
INTERVAL_SECONDS="${FEDERATED_TOKEN_REFRESH_SECONDS:-240}"

write_token() {
  local tmp token
  tmp="$(mktemp "${AZURE_FEDERATED_TOKEN_FILE}.XXXXXX")"
  token=$(curl -sSf --retry 3 -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=$(jq -rn --arg a "$AUDIENCE" '$a|@uri')" | jq -er .value) || {
    rm -f "$tmp"
    echo "federated-token: GitHub did not issue an OIDC token" >&2
    return 1
  }
  chmod 600 "$tmp"
  printf '%s' "$token" >"$tmp"
  mv -f "$tmp" "$AZURE_FEDERATED_TOKEN_FILE"
}

mkdir -p "$(dirname "$AZURE_FEDERATED_TOKEN_FILE")"
write_token
if [[ "${1:-}" == "--keep" ]]; then
  while sleep "$INTERVAL_SECONDS"; do
    write_token || echo "federated-token: refresh failed; keeping the previous token" >&2
  done
fi

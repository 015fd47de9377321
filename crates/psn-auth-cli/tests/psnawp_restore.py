"""psnawp 3.1.0 restoring its session from `psn-auth export --format psnawp`, against the stand-in.

Usage: psnawp_restore.py STANDIN_URL TOKEN_RESPONSE_JSON. Prints the account id psnawp's
`me()` reads (GET /api/v1/devices/accounts/me, with the restored access token).
"""
import json
import sys

from psnawp_api import PSNAWP
from psnawp_api.utils import endpoints

base, token_file = sys.argv[1].rstrip("/"), sys.argv[2]
# Sony's hosts, pointed at the stand-in (psnawp keeps them in one dict every module shares).
endpoints.BASE_PATH["base_uri"] = f"{base}/api"
endpoints.BASE_PATH["account_uri"] = f"{base}/api"
endpoints.BASE_PATH["profile_uri"] = f"{base}/api/userProfile/v1/internal/users"

with open(token_file, encoding="utf-8") as f:
    token_response = json.load(f)

# No NPSSO is exchanged: the restored access token is valid, so psnawp uses it as is.
psnawp = PSNAWP("x" * 64, token_response=token_response)
print(psnawp.me().account_id)

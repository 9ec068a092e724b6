#!/usr/bin/env bash
# Regenerates the events in this folder with `sam local generate-event`, then makes them look like
# what this template's API and bucket really send (routes, headers, no sample body, bucket name).
#
#   infra/events/generate.sh            (needs the SAM CLI: make tools)
#   sam local invoke RenderFunction -e infra/events/http-get-post.json
#   sam local invoke IndexerFunction -e infra/events/s3-put-post.json
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
sam=${SAM:-$root/.tools/sam/bin/sam}
python=${PYTHON:-python3}
export SAM_CLI_TELEMETRY=0
post=_posts/2023-06-07-journey.md
bucket=broadsheet-local

http() {  # name method path: an HTTP API (payload 2.0) event
  "$sam" local generate-event apigateway http-api-proxy --method "$2" --path "${3#/}" --body "" \
    | "$python" "$here/tidy.py" http "$2" "$3" >"$here/$1.json"
}
rest() {  # name method path: a REST API (payload 1.0) event, for the same app behind API Gateway v1
  "$sam" local generate-event apigateway aws-proxy --method "$2" --path "${3#/}" --body "" \
    | "$python" "$here/tidy.py" rest "$2" "$3" >"$here/$1.json"
}
s3() {  # name kind key
  "$sam" local generate-event s3 "$2" --bucket "$bucket" --key "$3" \
    | "$python" "$here/tidy.py" s3 "$2" "$3" >"$here/$1.json"
}

http http-get-post GET /posts/2023/06/journey/
http http-get-home GET /
http http-get-missing GET /posts/2023/06/no-such-post/
http http-head-post HEAD /posts/2023/06/journey/
http http-get-post-no-slash GET /posts/2023/06/journey
http http-post-home POST /
http http-get-image GET /images/profile.png
http http-get-stylesheet GET /assets/css/main.css
rest rest-get-post GET /posts/2023/06/journey/
rest rest-get-home GET /
rest rest-get-missing GET /posts/2023/06/no-such-post/
s3 s3-put-post put "$post"
s3 s3-delete-post delete "$post"
s3 s3-put-config put _config.yml
# Any file of a site is indexed, not just posts: a page (academicpages keeps its pages in _pages/)
# and a Sass partial, after which the indexer recompiles the site's Sass pages.
s3 s3-put-page put _pages/about.md
s3 s3-put-sass-partial put _sass/_themes.scss
# Broadsheet's own writes notify the indexer too (an S3 filter cannot exclude a folder): a no-op.
s3 s3-put-compiled-css put _broadsheet/sass/0123456789abcdef0123456789abcdef.css
echo "wrote $(ls "$here"/*.json | wc -l) events in $here"

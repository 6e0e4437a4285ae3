#!/usr/bin/env bash
# Rebuilds render/contract/slack_blocks.schema.json from Slack's own Block Kit types.
#
#   bash tools/slack_schema/regenerate.sh
#
# Needs Node.js 18+ and npm (the npm registry); the tests and the bot need neither,
# only the generated JSON. To move to a newer @slack/types, change its pin in
# package.json, run `npm install --package-lock-only` here, then this script, and
# read the diff of the schema (new block types may deserve rules in render/contract).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/render/contract/slack_blocks.schema.json"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/entry.ts" "$here/tsconfig.json" "$scratch/"
cd "$scratch"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install ts-json-schema-generator --path entry.ts --type Blocks --tsconfig tsconfig.json \
    --no-type-check -o blocks.schema.json

# The "$comment" records where the schema came from; render/contract reads the version from it.
node -e '
const fs = require("fs");
const types = require("./node_modules/@slack/types/package.json").version;
const gen = require("./node_modules/ts-json-schema-generator/package.json").version;
const schema = JSON.parse(fs.readFileSync("blocks.schema.json", "utf8"));
const out = {
  $comment: `Generated from @slack/types ${types} (KnownBlock[]) by ts-json-schema-generator ${gen}; ` +
            "do not edit: run tools/slack_schema/regenerate.sh",
  ...schema,
};
fs.writeFileSync(process.argv[1], JSON.stringify(out, null, 2) + "\n");
' "$out"
echo "wrote $out"

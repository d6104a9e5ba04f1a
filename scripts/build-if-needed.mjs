// `npm start` on a fresh clone: compile once, and again only when a source file is newer than
// the last build, so a newcomer never runs stale code and a restart costs nothing.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.build-stamp';
const roots = ['apps', 'libs', 'bench', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const present = roots.filter((p) => existsSync(p));
// No sources (the production image ships dist/ only): the built code is all there is to run.
if (!present.some((p) => p === 'apps' || p === 'libs')) process.exit(0);
const sources = Math.max(...present.map(newest));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  process.stdout.write('Building (first start or sources changed)...\n');
  execSync('npm run build --silent', { stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}

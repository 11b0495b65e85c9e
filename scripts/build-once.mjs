// Builds dist/ when it is missing or older than the sources, so scripts can use the libs: the
// services (tsc) and the web explorer (vite, into dist/web), both by `npm run build`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name) || entry.name === 'vite.config.mjs')
      latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

export function ensureBuilt() {
  const stamp = path.join(root, 'dist', '.built');
  const sources = Math.max(newest(path.join(root, 'apps')), newest(path.join(root, 'libs')));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return;
  console.error('[verity] building (tsc, vite)…');
  execSync('npm run -s build', { cwd: root, stdio: ['ignore', 2, 'inherit'] });
  execSync(`node -e "require('fs').writeFileSync('${stamp}', '')"`, { cwd: root });
}

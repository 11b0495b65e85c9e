import { readFileSync } from 'node:fs';
import path from 'node:path';

function isVerityRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'verity';
  } catch {
    return false;
  }
}

/** The repository root: the nearest folder at or above `start` whose package.json is Verity's. */
export function repoRoot(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isVerityRoot(dir)) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start);
  }
}

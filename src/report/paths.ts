import { posix } from 'node:path';

/**
 * A configuration path as baselines and waivers compare it with a report's: `./a/b.rules`, `a\b.rules` and
 * `a/b.rules` name the same file. Paths stay relative as the user gave them, so a baseline made from the
 * repository root matches runs from the repository root.
 */
export function normalizePath(p: string): string {
  return posix.normalize(p.replaceAll('\\', '/'));
}

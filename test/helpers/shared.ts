/**
 * The workspace's `../shared` folder (reference data, real public exports), which a user's fresh clone does not have.
 * Tests that read it skip with a message when it is absent; `EDGE_AUDIT_SHARED` points elsewhere (CI sets it to a
 * missing folder to prove that the suite passes without it).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SHARED = process.env.EDGE_AUDIT_SHARED ? resolve(process.env.EDGE_AUDIT_SHARED) : join(REPO, '..', 'shared');

/** A path inside the shared folder. */
export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

/** True when `path` exists; otherwise warns once that `what` is skipped and why. */
export function presentOrSkip(path: string, what: string): boolean {
  const present = existsSync(path);
  if (!present) console.warn(`${what} skipped: ${path} is absent`);
  return present;
}

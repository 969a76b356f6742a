import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from './usage-error.js';

/** Writes the whole report or nothing: a temporary file beside the target, renamed over it once complete. */
export function writeWhole(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${file}: cannot write report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usage-error.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Writes every file whole, or none of them: each goes to a temporary file beside its target first, and only when
 * all are complete are they renamed over their targets (a rename within one folder is atomic). A reader never sees
 * half a report, nor a SARIF file from this run beside a JUnit file from the last one.
 * A target that is not a regular file (/dev/stdout, /dev/null, a pipe) is written to directly, last: renaming over
 * it would replace the device. A symbolic link is followed, so the file it points to gets the report.
 */
export function writeAll(files: readonly OutputFile[]): void {
  const targets = files.map((f) => target(f.path));
  const clash = targets.find((t, i) => targets.findIndex((u) => u.path === t.path) !== i);
  if (clash !== undefined) throw new UsageError(`${clash.path}: named for two outputs`);
  const temps = new Map<number, string>();
  try {
    for (const [i, t] of targets.entries()) {
      if (t.special) continue;
      temps.set(i, `${t.path}.${process.pid}.tmp`);
      writeFileSync(temps.get(i)!, files[i]!.content);
    }
  } catch (err) {
    for (const tmp of temps.values()) rmSync(tmp, { force: true });
    throw new UsageError(`${files[[...temps.keys()].at(-1)!]!.path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); no output written`);
  }
  for (const [i, tmp] of temps) renameSync(tmp, targets[i]!.path);
  for (const [i, t] of targets.entries()) if (t.special) writeFileSync(t.path, files[i]!.content);
}

function target(path: string): { path: string; special: boolean } {
  const existing = statSync(path, { throwIfNoEntry: false });
  if (!existing) return { path: resolve(path), special: false };
  return { path: realpathSync(path), special: !existing.isFile() };
}

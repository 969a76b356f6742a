import { closeSync, constants, openSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** A file this run reads, which no output may replace: `role` says what it is ("an input", "the site profile", …). */
export interface ReadFile {
  readonly path: string;
  readonly role: string;
}

/** Where an output goes: a regular file (existing or not) is replaced by a rename; a device or pipe is written to. */
interface Target {
  readonly path: string;
  /** The file it names, which two outputs may not share: device and inode when it exists, else its absolute path. */
  readonly identity: string;
  readonly kind: 'file' | 'fifo' | 'device';
}

/**
 * Writes every file whole, or none of them: each goes to a temporary file beside its target first; devices and pipes
 * (/dev/stdout, a FIFO) are written next, and only when all that succeeded are the temporary files renamed over
 * their targets (a rename within one folder is atomic). A reader never sees half a report, nor a SARIF file from this
 * run beside a JUnit file from the last one. A symbolic link is followed, so the file it points to gets the report.
 * Refused before anything is written (a UsageError, exit 2): a target that is a folder or cannot be a file, two
 * outputs to one file, an output that is a file the run reads (`reads`), a pipe no process reads.
 */
export function writeAll(files: readonly OutputFile[], reads: readonly ReadFile[] = []): void {
  const targets = files.map((f) => target(f.path));
  const clash = targets.findIndex((t, i) => targets.findIndex((u) => u.identity === t.identity) !== i);
  if (clash >= 0) throw new UsageError(`${files[clash]!.path}: named for two outputs`);
  refuseOverwrite(files, targets, reads);
  const temps = new Map<number, string>();
  const attempt = (i: number, write: () => void) => {
    try {
      write();
    } catch (err) {
      for (const tmp of temps.values()) rmSync(tmp, { force: true });
      throw cannotWrite(files[i]!.path, err);
    }
  };
  for (const [i, t] of targets.entries()) {
    if (t.kind !== 'file') continue;
    const tmp = join(dirname(t.path), `.${basename(t.path)}.${process.pid}.tmp`);
    temps.set(i, tmp);
    attempt(i, () => writeFileSync(tmp, files[i]!.content));
  }
  // A device that fails (/dev/full) still leaves every regular target as it was; one written before it stays written.
  for (const [i, t] of targets.entries()) if (t.kind !== 'file') attempt(i, () => writeSpecial(t, files[i]!.content));
  for (const [i, tmp] of temps) attempt(i, () => renameSync(tmp, targets[i]!.path));
}

/** What `path` names, or a one-line refusal: a folder, a path through a file (`file/sub`), a link loop, a name too long. */
function target(path: string): Target {
  let stats: Stats | undefined;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw cannotWrite(path, err);
  }
  if (!stats) return { path: resolve(path), identity: resolve(path), kind: 'file' };
  if (stats.isDirectory()) throw new UsageError(`${path}: is a directory; no output written`);
  const identity = `${stats.dev}:${stats.ino}`;
  // A device or pipe keeps the name given: its real path may not exist (/dev/stdout on a pipe is /proc/…/pipe:[n]).
  if (!stats.isFile()) return { path, identity, kind: stats.isFIFO() ? 'fifo' : 'device' };
  return { path: realpathSync(path), identity, kind: 'file' };
}

/** No output replaces a file the run reads: compared by device and inode, so a symbolic or hard link is no way round. */
function refuseOverwrite(files: readonly OutputFile[], targets: readonly Target[], reads: readonly ReadFile[]): void {
  const read = new Map<string, ReadFile>();
  for (const r of reads) {
    const stats = statSync(r.path, { throwIfNoEntry: false });
    const key = stats?.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
    if (key !== undefined && !read.has(key)) read.set(key, r); // the first role named is the one the user gave
  }
  for (const [i, t] of targets.entries()) {
    const source = t.kind === 'file' && read.get(t.identity);
    if (source) throw new UsageError(`${files[i]!.path}: is ${source.role} of this run (${source.path}); refusing to write over it, no output written`);
  }
}

/**
 * Writes to a device or pipe. A pipe is opened without waiting first: with no process reading it, that fails
 * (ENXIO) instead of blocking for ever. Opened again, blocking, while the first descriptor keeps the reader from
 * seeing an end, it takes the report at the reader's pace.
 */
function writeSpecial(t: Target, content: string): void {
  if (t.kind !== 'fifo') return writeFileSync(t.path, content);
  const probe = openSync(t.path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    const fd = openSync(t.path, constants.O_WRONLY);
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
  } finally {
    closeSync(probe);
  }
}

/** What the system said, in words where the code alone would puzzle: the code stays, for searching. */
const REASONS = new Map([
  ['ENXIO', 'no process reads this pipe'],
  ['ENOTDIR', 'a part of the path is not a folder'],
  ['ELOOP', 'a loop of symbolic links'],
  ['ENAMETOOLONG', 'name too long'],
  ['ENOSPC', 'no space left'],
  ['EACCES', 'permission denied'],
  ['EROFS', 'read-only file system'],
]);

function cannotWrite(path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === undefined ? (err as Error).message : REASONS.has(code) ? `${REASONS.get(code)}, ${code}` : code;
  return new UsageError(`${path}: cannot write (${why}); no output written`);
}

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * How much edge-audit reads of one file. Every file it reads comes from someone it should not have to trust, and an
 * unbounded read of `/dev/zero` or a FIFO with no writer never ends; past these sizes a file is refused, not read.
 * An export: the largest real one in the corpus is a few MiB; 512 MiB leaves room for any firewall and still fits
 * in memory. A JSON file a user writes (configuration, site profile, baseline, waivers): a few KiB; 16 MiB.
 */
export const EXPORT_SIZE_LIMIT = 512 * 1024 * 1024;
export const JSON_SIZE_LIMIT = 16 * 1024 * 1024;

/** Why a file could not be read, in words that follow its name (`x.conf: <message>`); `code` is the system's. */
export class ReadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The bytes of a regular file of at most `limit` bytes. Anything else (a directory, a FIFO, a device such as
 * /dev/zero, a socket) is refused before a byte is read: it is opened without blocking, so a FIFO with no writer
 * does not hang, and its type is taken from the open file, so it cannot be swapped after the check.
 */
export function readBounded(file: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw systemError(err);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ReadError(`not a regular file (${fileKind(stat)})`);
    if (stat.size > limit) throw tooLarge(limit);
    return readAll((buf, offset, length) => readSync(fd, buf, offset, length, null), limit, stat.size);
  } catch (err) {
    throw err instanceof ReadError ? err : systemError(err);
  } finally {
    closeSync(fd);
  }
}

/** Standard input, whatever it is (a pipe, a file, a terminal), up to `limit` bytes. */
export function readStandardInputBounded(limit: number): Buffer {
  try {
    return readAll(readStdinSync, limit, 64 * 1024);
  } catch (err) {
    throw err instanceof ReadError ? err : systemError(err);
  }
}

/** Standard input may be non-blocking (Node sets a terminal so): then wait for data instead of failing. */
function readStdinSync(buf: Buffer, offset: number, length: number): number {
  for (;;) {
    try {
      return readSync(0, buf, offset, length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/**
 * Reads to the end, failing as soon as more than `limit` bytes came. `expected` bytes (a file's size) fill a buffer
 * of their own, returned whole, so that the caller can hand its memory back at once (see recognizedExports); a file
 * that grows meanwhile, or a stream, grows it by doubling.
 */
export function readAll(read: (buf: Buffer, offset: number, length: number) => number, limit: number, expected: number): Buffer {
  let buf = Buffer.allocUnsafeSlow(Math.min(expected, limit));
  let total = 0;
  const probe = Buffer.allocUnsafeSlow(1);
  for (;;) {
    if (total < buf.length) {
      const n = read(buf, total, buf.length - total);
      if (n === 0) return total === buf.length ? buf : buf.subarray(0, total);
      total += n;
      continue;
    }
    if (read(probe, 0, 1) === 0) return buf;
    if (total + 1 > limit) throw tooLarge(limit);
    const grown = Buffer.allocUnsafeSlow(Math.min(Math.max(buf.length * 2, 64 * 1024), limit));
    buf.copy(grown, 0, 0, total);
    grown[total++] = probe[0]!;
    buf = grown;
  }
}

function tooLarge(limit: number): ReadError {
  const size = limit % (1024 * 1024) === 0 ? `${limit / (1024 * 1024)} MiB` : `${limit} bytes`;
  return new ReadError(`larger than ${size}, the most edge-audit reads of such a file`);
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function systemError(err: unknown): ReadError {
  const e = err as NodeJS.ErrnoException;
  return new ReadError(e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`, e.code);
}

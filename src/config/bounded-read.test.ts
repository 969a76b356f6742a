import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll, readBounded, ReadError } from './bounded-read.js';

const dir = mkdtempSync(join(tmpdir(), 'bounded-read-'));

/** A reader of a stream of `size` bytes (endless when Infinity), handing out at most `chunk` a call; `given` counts. */
function stream(size: number, chunk = 1000) {
  const s = { given: 0, read: (buf: Buffer, offset: number, length: number) => {
    const n = Math.min(length, chunk, size - s.given);
    buf.fill(0x61, offset, offset + n);
    s.given += n;
    return n;
  } };
  return s;
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ReadError);
    return (err as Error).message;
  }
  throw new Error('read without error');
}

describe('readBounded', () => {
  it('reads a regular file whole, into memory of its own', () => {
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x'.repeat(5000));
    const bytes = readBounded(file, 5000);
    expect(bytes.toString()).toBe('x'.repeat(5000));
    expect(bytes.buffer.byteLength).toBe(5000);
  });

  it('refuses a file larger than the limit, and what is not a regular file, without blocking on a FIFO', () => {
    const file = join(dir, 'big.txt');
    writeFileSync(file, 'x'.repeat(5001));
    expect(problem(() => readBounded(file, 5000))).toBe('larger than 5000 bytes, the most edge-audit reads of such a file');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(problem(() => readBounded(fifo, 5000))).toBe('not a regular file (a FIFO)');
    expect(problem(() => readBounded('/dev/zero', 5000))).toBe('not a regular file (a device)');
    mkdirSync(join(dir, 'sub'));
    expect(problem(() => readBounded(join(dir, 'sub'), 5000))).toBe('not a regular file (a directory)');
    expect(problem(() => readBounded(join(dir, 'none'), 5000))).toBe('no such file');
  });
});

describe('readAll', () => {
  it('reads a stream longer than expected to its end', () => {
    const s = stream(200_000);
    expect(readAll(s.read, 1 << 20, 10).length).toBe(200_000);
  });

  it('stops an endless stream once it passes the limit, having read no more than one byte past it', () => {
    const s = stream(Infinity);
    expect(() => readAll(s.read, 300_000, 64 * 1024)).toThrow(/^larger than/);
    expect(s.given).toBe(300_001);
  });

  it('takes exactly the limit, and a file that shrank since its size was read', () => {
    expect(readAll(stream(300_000).read, 300_000, 10).length).toBe(300_000);
    expect(readAll(stream(100).read, 300_000, 5000).length).toBe(100);
  });
});

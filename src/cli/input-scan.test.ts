/** A directory scan meets a folder it may not list: as root `chmod 000` does not stop a read, so the refusal is simulated. */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { SkippedFile } from '../report/report.js';
import { inputSources, recognizedExports } from './input.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: fs.PathLike, options?: unknown) => {
    if (String(path).endsWith('locked')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' });
    return (real.readdirSync as (p: fs.PathLike, o?: unknown) => unknown)(path, options);
  }) as typeof real.readdirSync;
  return { ...real, readdirSync };
});

describe('a directory scan', () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'edge-audit-scan-'));
  fs.mkdirSync(join(dir, 'locked'));
  fs.mkdirSync(join(dir, 'ok'));
  fs.copyFileSync('fixtures/iptables/network-firewall/compliant.rules', join(dir, 'ok', 'fw.rules'));

  it('lists a sub-folder it cannot read as skipped, with the reason, and reads the rest', () => {
    const skipped: SkippedFile[] = [];
    const found = [...recognizedExports(inputSources([dir], undefined, () => new Uint8Array()), undefined, skipped)];
    expect(found.map((f) => f.input.file)).toEqual([join(dir, 'ok', 'fw.rules')]);
    expect(skipped).toEqual([{ file: join(dir, 'locked'), reason: 'folder cannot be read (EACCES)' }]);
  });

  it('refuses the directory named on the command line when it cannot be read, as one line', () => {
    expect(() => inputSources([join(dir, 'locked')], undefined, () => new Uint8Array())).toThrow(/^.*locked: cannot read \(EACCES\)$/);
  });
});

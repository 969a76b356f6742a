import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './usage-error.js';
import { writeAll } from './write-output.js';

describe('writeAll', () => {
  it('writes every file whole and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-write-'));
    writeFileSync(join(dir, 'r.sarif'), 'old');
    writeAll([
      { path: join(dir, 'r.sarif'), content: 'sarif' },
      { path: join(dir, 'r.xml'), content: 'junit' },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['r.sarif', 'r.xml']);
    expect(readFileSync(join(dir, 'r.sarif'), 'utf8')).toBe('sarif');
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toBe('junit');
  });

  it('writes none when one cannot be written: earlier files keep their old content, temporary files are removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-write-'));
    writeFileSync(join(dir, 'r.sarif'), 'old sarif');
    const attempt = () =>
      writeAll([
        { path: join(dir, 'r.sarif'), content: 'new sarif' },
        { path: join(dir, 'r.md'), content: 'markdown' },
        { path: join(dir, 'no-such-dir', 'r.xml'), content: 'junit' },
      ]);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/no-such-dir[/\\]r\.xml: cannot write \(ENOENT\); no output written/);
    expect(readdirSync(dir)).toEqual(['r.sarif']);
    expect(readFileSync(join(dir, 'r.sarif'), 'utf8')).toBe('old sarif');
    expect(existsSync(join(dir, 'r.md'))).toBe(false);
  });

  it('refuses two outputs to one file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-write-'));
    expect(() => writeAll([{ path: join(dir, 'a.json'), content: '1' }, { path: join(dir, '.', 'a.json'), content: '2' }])).toThrow('a.json: named for two outputs');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeAll to what is not a regular file', () => {
  it('writes to a device directly instead of renaming over it, and through a symbolic link to its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-write-'));
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
    writeAll([
      { path: '/dev/null', content: 'discarded' },
      { path: join(dir, 'link.json'), content: 'new' },
    ]);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.json'), 'utf8')).toBe('new');
    expect(readdirSync('/dev').filter((f) => f.startsWith('null.'))).toEqual([]);
  });
});

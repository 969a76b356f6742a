import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('writeAll refuses, before anything is written', () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-write-'));
    writeFileSync(join(dir, 'fw.rules'), 'the export');
    writeFileSync(join(dir, 'old.json'), 'old');
    return dir;
  };
  const attempt = (dir: string, path: string) => () =>
    writeAll([{ path: join(dir, 'old.json'), content: 'new' }, { path, content: 'report' }], [{ path: join(dir, 'fw.rules'), role: 'an input' }]);
  const untouched = (dir: string) => {
    expect(readFileSync(join(dir, 'fw.rules'), 'utf8')).toBe('the export');
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  };

  it('a file the run reads, named directly, through a symbolic link or through a hard link', () => {
    const dir = fresh();
    symlinkSync(join(dir, 'fw.rules'), join(dir, 'soft'));
    linkSync(join(dir, 'fw.rules'), join(dir, 'hard'));
    for (const name of ['fw.rules', 'soft', 'hard']) {
      expect(attempt(dir, join(dir, name))).toThrow(`${join(dir, name)}: is an input of this run (${join(dir, 'fw.rules')}); refusing to write over it, no output written`);
      untouched(dir);
    }
  });

  it('a folder, a path through a file, a loop of links, a name too long', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'folder'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    const cases: [string, string][] = [
      ['folder', 'is a directory; no output written'],
      ['old.json/sub', 'cannot write (a part of the path is not a folder, ENOTDIR); no output written'],
      ['loop-a', 'cannot write (a loop of symbolic links, ELOOP); no output written'],
      ['n'.repeat(300), 'cannot write (name too long, ENAMETOOLONG); no output written'],
    ];
    for (const [name, why] of cases) {
      expect(attempt(dir, join(dir, name))).toThrow(UsageError);
      expect(attempt(dir, join(dir, name))).toThrow(`${join(dir, name)}: ${why}`);
      untouched(dir);
    }
  });

  it('a device that cannot take the report: no regular file is replaced', () => {
    const dir = fresh();
    expect(attempt(dir, '/dev/full')).toThrow('/dev/full: cannot write (no space left, ENOSPC); no output written');
    untouched(dir);
  });

  it('a pipe that no process reads, instead of waiting for ever', () => {
    const dir = fresh();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(attempt(dir, join(dir, 'pipe'))).toThrow(`${join(dir, 'pipe')}: cannot write (no process reads this pipe, ENXIO); no output written`);
    untouched(dir);
  });
});

/**
 * What `check` and `trace` write, run as processes: no output replaces a file the run reads; several outputs are
 * written all or none, and what cannot be written is a one-line error (exit 2), never an internal error or a hang;
 * no control character from an export, a file name or a waiver reaches a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARSERS } from '../parsers/index.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'edge-audit');
const fw = join(repo, 'fixtures', 'iptables', 'network-firewall');

function run(args: string[], cwd: string, timeout = 60_000) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EDGE_AUDIT_') && k !== 'NO_COLOR'));
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env, input: '', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch repository holding gap.rules (findings: exit 1) and its site profile. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-audit-out-'));
  mkdirSync(join(dir, '.git'));
  for (const f of ['gap.rules', 'edge-audit.json']) copyFileSync(join(fw, f), join(dir, f));
  return dir;
}

/** Exit 2 with exactly one line on stderr, which says `message`, and never an internal error. */
function refused(r: { code: number | null; stderr: string }, message: string) {
  expect(r.stderr).toBe(`edge-audit: ${message}\n`);
  expect(r.code).toBe(2);
}

describe('no output replaces a file the run reads', () => {
  it('the input, named directly or through a symbolic link; the site profile; the configuration; the baseline; the waivers', () => {
    const dir = scratch();
    symlinkSync('gap.rules', join(dir, 'link.json'));
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ failOn: 'high' }));
    const waivers = JSON.stringify({ waivers: [{ id: '1dfca0942d586796', justification: 'j', approvedBy: 'a', expires: '2099-01-01' }] });
    writeFileSync(join(dir, 'waivers.json'), waivers);
    expect(run(['check', 'gap.rules', '--create-baseline', 'base.json', '-f', 'json'], dir).code).toBe(1);
    const before = readdirSync(dir).map((f) => [f, existsSync(join(dir, f, '.')) ? '' : readFileSync(join(dir, f), 'utf8')]);
    const cases: [string[], string][] = [
      [['-o', 'gap.rules'], 'gap.rules: is an input of this run (gap.rules)'],
      [['-o', 'link.json'], 'link.json: is an input of this run (gap.rules)'],
      [['-o', 'edge-audit.json'], 'edge-audit.json: is a site profile of this run (edge-audit.json)'],
      [['--profile', 'edge-audit.json', '-f', 'json,sarif', '-o', 'edge-audit'], 'edge-audit.json: is the site profile of this run (edge-audit.json)'],
      [['-o', '.edge-audit.json'], '.edge-audit.json: is the configuration file of this run (.edge-audit.json)'],
      [['--baseline', 'base.json', '--create-baseline', 'base.json'], 'base.json: is the baseline of this run (base.json)'],
      [['--waivers', 'waivers.json', '--create-baseline', 'waivers.json'], 'waivers.json: is the waivers file of this run (waivers.json)'],
    ];
    for (const [args, message] of cases) {
      refused(run(['check', 'gap.rules', ...args], dir), `${message}; refusing to write over it, no output written`);
      expect(readdirSync(dir).map((f) => [f, existsSync(join(dir, f, '.')) ? '' : readFileSync(join(dir, f), 'utf8')])).toEqual(before);
    }
  }, 60_000);
});

describe('several outputs: all or none, and a one-line error for what cannot be written', () => {
  it('one output a folder or /dev/full: the others are not written either', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'r.sarif'));
    refused(run(['check', 'gap.rules', '-f', 'json,sarif,markdown', '-o', 'r'], dir), 'r.sarif: is a directory; no output written');
    refused(run(['check', 'gap.rules', '-f', 'json,markdown', '-o', 'r', '--create-baseline', '/dev/full'], dir), '/dev/full: cannot write (no space left, ENOSPC); no output written');
    expect(readdirSync(dir).sort()).toEqual(['.git', 'edge-audit.json', 'gap.rules', 'r.sarif']);
  }, 60_000);

  it('a path through a file, a loop of symbolic links, a name too long', () => {
    const dir = scratch();
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    const long = 'n'.repeat(300);
    refused(run(['check', 'gap.rules', '-o', 'gap.rules/sub'], dir), 'gap.rules/sub: cannot write (a part of the path is not a folder, ENOTDIR); no output written');
    refused(run(['check', 'gap.rules', '-o', 'loop-a'], dir), 'loop-a: cannot write (a loop of symbolic links, ELOOP); no output written');
    refused(run(['check', 'gap.rules', '-o', long], dir), `${long}: cannot write (name too long, ENAMETOOLONG); no output written`);
  }, 60_000);

  it('a pipe: with no reader, an error at once instead of waiting for ever; with one, the whole report', async () => {
    const dir = scratch();
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    refused(run(['check', 'gap.rules', '-f', 'json', '-o', 'pipe'], dir, 20_000), 'pipe: cannot write (no process reads this pipe, ENXIO); no output written');
    const reader = spawn('cat', [join(dir, 'pipe')]);
    let received = '';
    reader.stdout.on('data', (d: Buffer) => (received += d.toString()));
    const done = new Promise((ok) => reader.on('close', ok));
    // The reader opens the pipe when it starts: wait for that, as a process writing to a pipe would.
    await new Promise((ok) => setTimeout(ok, 500));
    const written = spawn(process.execPath, [bin, 'check', 'gap.rules', '-f', 'json', '-o', 'pipe'], { cwd: dir });
    const code = await new Promise((ok) => written.on('close', ok));
    await done;
    expect(code).toBe(1);
    expect(JSON.parse(received).findings).toHaveLength(2);
  }, 60_000);
});

describe('no control character reaches a terminal', () => {
  const ESCAPES = '\x1b]0;owned\x07\x1b[2J\x9b31m\u202e';
  const SHOWN = '\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202e';
  /** gap.rules with escape sequences in the comments of the rules the audit and the trace cite (lines 23 and 28). */
  function hostile(): string {
    const dir = scratch();
    const text = readFileSync(join(fw, 'gap.rules'), 'utf8').replace('"SIP + XMPP federation out"', `"SIP ${ESCAPES} out"`).replace('"SIP federation in"', `"SIP ${ESCAPES} in"`);
    writeFileSync(join(dir, 'gap.rules'), text);
    return dir;
  }
  const clean = (text: string) => expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);

  it('the table (even with --no-color) and the Markdown show rule comments escaped', () => {
    const dir = hostile();
    for (const format of ['table', 'markdown']) {
      const r = run(['check', 'gap.rules', '-f', format, '--no-color'], dir);
      expect(r.code).toBe(1);
      clean(r.stdout);
      expect(r.stdout).toContain(`${SHOWN} out`); // the table may wrap before it
    }
  }, 60_000);

  it('trace shows the deciding rule escaped', () => {
    const dir = hostile();
    const r = run(['trace', 'gap.rules', '--src', '198.51.100.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5061', '--in', 'eth0', '--out', 'eth1'], dir);
    expect(r.code).toBe(0);
    clean(r.stdout);
    expect(r.stdout).toContain(`SIP ${SHOWN} in`);
  }, 60_000);

  it('stderr: an error about a file name with a newline stays one line; verbose lines and waiver warnings are escaped', () => {
    const dir = hostile();
    const name = `bad\n${ESCAPES}.rules`;
    writeFileSync(join(dir, name), 'not a firewall export\n');
    refused(run(['check', name], dir), `bad\\x0a${SHOWN}.rules: not a recognized firewall export (supported: ${PARSERS.map((p) => p.vendor).join(', ')})`);
    mkdirSync(join(dir, 'in'));
    copyFileSync(join(dir, 'gap.rules'), join(dir, 'in', `fw${ESCAPES}.rules`));
    const waivers = { waivers: [{ id: '0000000000000000', file: `x${ESCAPES}`, justification: 'j', approvedBy: 'a', expires: '2099-01-01' }] };
    writeFileSync(join(dir, 'waivers.json'), JSON.stringify(waivers));
    const r = run(['check', 'in', '-v', '--waivers', 'waivers.json', '-f', 'json', '-o', 'r.json'], dir);
    expect(r.code).toBe(1);
    clean(r.stderr);
    expect(r.stderr).toContain(`in/fw${SHOWN}.rules: iptables`);
    expect(r.stderr).toContain(`file x${SHOWN}) matches no finding`);
  }, 60_000);
});

/**
 * `edge-audit check` as CI pipelines run it: several inputs, several formats, configuration discovery and
 * precedence, baselines, waivers, exit codes, and what reaches stderr and the terminal.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../src/json-schema.js';
import type { Report } from '../src/report/report.js';
import { VENDORS } from '../src/cli/input.js';
import { PARSERS } from '../parsers/index.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'edge-audit');
const fw = join(repo, 'fixtures', 'iptables', 'network-firewall');
/** The fixture folder's files in the order the walk takes them (code-unit order), and the vendors this build reads. */
const FW_FILES = readdirSync(fw).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const SUPPORTED = PARSERS.map((p) => p.vendor).join(', ');
const GAP_ID = '1dfca0942d586796'; // missing-flow, high
const GAP_WRONG_DIRECTION_ID = '576454bd16910f97'; // wrong-direction, low

interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
}

/** Runs the CLI without the caller's EDGE_AUDIT_* or NO_COLOR variables, so only the test decides them. */
function run(args: string[], opts: RunOptions = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EDGE_AUDIT_') && k !== 'NO_COLOR'));
  const r = spawnSync(process.execPath, [bin, 'check', ...args], { cwd: opts.cwd ?? repo, encoding: 'utf8', env: { ...env, ...opts.env }, input: opts.input ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const report = (r: { stdout: string }) => JSON.parse(r.stdout) as Report;
const validateReport = compileSchema<Report>('schemas/report.schema.json');

/** A scratch repository (a folder with .git, so configuration discovery stops there) holding copies of fixtures. */
function scratch(fixtures: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-audit-ci-'));
  mkdirSync(join(dir, '.git'));
  copyFileSync(join(fw, 'edge-audit.json'), join(dir, 'edge-audit.json'));
  for (const [to, from] of Object.entries(fixtures)) {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(join(fw, from), join(dir, to));
  }
  return dir;
}

describe('inputs', () => {
  it('walks a directory: every recognized export, in name order; the other files listed as skipped', () => {
    const r = run(['fixtures/iptables/network-firewall', '-f', 'json']);
    const out = report(r);
    expect(validateReport(out), JSON.stringify(validateReport.errors)).toBe(true);
    const [rules, others] = [true, false].map((exports) => FW_FILES.filter((f) => f.endsWith('.rules') === exports).map((f) => `fixtures/iptables/network-firewall/${f}`));
    expect(others!.length).toBeGreaterThan(0); // the site profiles beside the exports
    expect(out.inputs.map((i) => i.file)).toEqual(rules);
    expect(out.skipped).toEqual(others!.map((file) => ({ file, reason: `not a recognized firewall export (supported: ${SUPPORTED})` })));
    expect(r.stderr).toBe(`edge-audit: skipped ${others!.length} file(s) that are not recognized exports (the report lists them; so does --verbose)\n`);
  });

  it('skips hidden folders and node_modules, and refuses a directory with no export', () => {
    const dir = scratch({ 'configs/fw.rules': 'gap.rules', '.cache/fw.rules': 'gap.rules', 'node_modules/pkg/fw.rules': 'gap.rules' });
    expect(report(run(['.', '-f', 'json'], { cwd: dir })).inputs.map((i) => i.file)).toEqual(['configs/fw.rules']);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'notes.txt'), 'nothing here\n');
    const r = run(['empty', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('edge-audit: empty: no recognized firewall export in this directory or below it\n');
    expect(r.stdout).toBe('');
    mkdirSync(join(dir, 'void', '.hidden'), { recursive: true });
    expect(run(['void'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'edge-audit: void: no file in this directory or below it\n' });
  });

  it('reads every vendor from standard input under the name --vendor takes', () => {
    const byVendor: Record<string, string> = {
      iptables: 'fixtures/iptables/network-firewall/compliant.rules',
      asa: 'fixtures/asa/asa9/compliant.cfg',
      fortigate: 'fixtures/fortigate/policy-nat/compliant.conf',
      windows: 'fixtures/windows/edge-compliant.reg',
    };
    expect([...VENDORS].sort()).toEqual(Object.keys(byVendor).sort());
    for (const [vendor, file] of Object.entries(byVendor)) {
      const r = spawnSync(process.execPath, [bin, 'check', '-', '--vendor', vendor, '-f', 'json', '--fail-on', 'none'], { cwd: repo, input: readFileSync(join(repo, file)), encoding: 'utf8' });
      expect(r.status, `${vendor}: ${r.stderr}`).toBe(0);
      expect(report(r).inputs[0]).toMatchObject({ file: '<stdin>', vendor });
    }
  });

  it('reads standard input with -, which needs --vendor, and names it <stdin>', () => {
    const text = readFileSync(join(fw, 'gap.rules'), 'utf8');
    const r = run(['-', '--vendor', 'iptables', '-f', 'json', '--profile', join(fw, 'edge-audit.json')], { input: text });
    expect(r.code).toBe(1);
    expect(report(r).findings.map((f) => [f.file, f.id])).toEqual([
      ['<stdin>', GAP_ID],
      ['<stdin>', GAP_WRONG_DIRECTION_ID],
    ]);
    expect(run(['-', '-f', 'json'], { input: text })).toMatchObject({ code: 2, stderr: `edge-audit: reading standard input (-) needs --vendor (${VENDORS.join('|')})\n` });
    expect(run(['-', '--vendor', 'cisco'], { input: text }).code).toBe(2);
    expect(run(['-', '--vendor', 'iptables'], { input: 'hostname fw1\n' })).toMatchObject({ code: 2, stderr: 'edge-audit: <stdin>: not a recognized iptables export\n' });
  });

  it('never yields a report, nor exit 0, when one input cannot be parsed, even with --soft-fail', () => {
    const dir = scratch({ 'good.rules': 'compliant.rules' });
    writeFileSync(join(dir, 'bad.rules'), '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 300.1.1.1 -j ACCEPT\nCOMMIT\n');
    for (const extra of [[], ['--soft-fail'], ['--fail-on', 'none']]) {
      const r = run(['good.rules', 'bad.rules', '-f', 'json,sarif', '-o', 'report', ...extra], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^edge-audit: bad\.rules:3: /);
      expect(readdirSync(dir).filter((f) => f.startsWith('report'))).toEqual([]);
    }
  });
});

describe('formats and outputs', () => {
  it('writes several formats from one run: -o is the base name, each format adds its extension', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    const args = ['fw.rules', '-f', 'table,json,sarif,junit,markdown,html', '-o', 'out/edge'];
    // -o does not create folders: the first report cannot be written, so none is.
    expect(run(args, { cwd: dir })).toMatchObject({ code: 2, stdout: '', stderr: `edge-audit: ${join('out', 'edge.txt')}: cannot write (ENOENT); no output written\n` });
    expect(existsSync(join(dir, 'out'))).toBe(false);
    mkdirSync(join(dir, 'out'));
    const r = run(args, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // Nothing went to stdout, so stderr says what was found and why the exit code is what it is.
    expect(r.stderr).toBe('edge-audit: 2 finding(s) (1 high, 1 low); exit 1: unwaived findings at or above high\n');
    const read = (ext: string) => readFileSync(join(dir, 'out', `edge${ext}`), 'utf8');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['edge.html', 'edge.json', 'edge.md', 'edge.sarif', 'edge.txt', 'edge.xml']);
    expect(validateReport(JSON.parse(read('.json')))).toBe(true);
    expect(JSON.parse(read('.sarif')).runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['edgeAuditFindingId/v1'])).toEqual([GAP_ID, GAP_WRONG_DIRECTION_ID]);
    expect(XMLValidator.validate(read('.xml'))).toBe(true);
    expect(read('.md')).toMatch(/^# edge-audit report\n/);
    expect(read('.html')).toMatch(/^<!DOCTYPE html>/);
    expect(read('.txt')).toContain('MISSING');
  });

  it('writes one format to exactly the -o file; several formats without -o are a usage error', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    expect(run(['fw.rules', '--format', 'sarif', '--output', 'results.sarif'], { cwd: dir }).code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'results.sarif'), 'utf8')).version).toBe('2.1.0');
    const r = run(['fw.rules', '-f', 'sarif,junit'], { cwd: dir });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('edge-audit: several formats (sarif, junit) need -o/--output <base name>: each is written to the base name plus .sarif, .xml\n');
    expect(run(['fw.rules', '-f', 'sarif,pdf'], { cwd: dir }).code).toBe(2);
  });
});

describe('exit codes', () => {
  it('--soft-fail exits 0 whatever the findings', () => {
    expect(run(['fixtures/iptables/network-firewall/exposed-23456.rules', '-f', 'json', '--fail-on', 'info']).code).toBe(1);
    expect(run(['fixtures/iptables/network-firewall/exposed-23456.rules', '-f', 'json', '--fail-on', 'info', '-s']).code).toBe(0);
    expect(run(['fixtures/iptables/network-firewall/exposed-23456.rules', '-f', 'json'], { env: { EDGE_AUDIT_SOFT_FAIL: 'true' } }).code).toBe(0);
  });

  it('--fail-on-uncertain exits 1 on an uncertain requirement, unless --soft-fail', () => {
    // uncertain.rules: one requirement uncertain (an ipset), its only finding medium, below the default threshold.
    const dir = scratch({ 'fw.rules': 'uncertain.rules', 'ok.rules': 'compliant.rules' });
    const plain = run(['fw.rules', '-f', 'json'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(report(plain).summary.requirements.uncertain).toBe(1);
    expect(report(plain).summary.highestSeverity).toBe('medium');
    expect(run(['fw.rules', '-f', 'json', '--fail-on-uncertain'], { cwd: dir }).code).toBe(1);
    expect(run(['fw.rules', '-f', 'json', '--fail-on-uncertain', '--soft-fail'], { cwd: dir }).code).toBe(0);
    expect(run(['ok.rules', '-f', 'json', '--fail-on-uncertain'], { cwd: dir }).code).toBe(0);
  }, 30_000);

  it('failOnUncertain in the configuration file and EDGE_AUDIT_FAIL_ON_UNCERTAIN do the same; stderr says why the run fails', () => {
    const dir = scratch({ 'fw.rules': 'uncertain.rules', 'ok.rules': 'compliant.rules' });
    expect(run(['fw.rules', '-f', 'json'], { cwd: dir, env: { EDGE_AUDIT_FAIL_ON_UNCERTAIN: 'yes' } }).code).toBe(1);
    expect(run(['fw.rules', '-f', 'json'], { cwd: dir, env: { EDGE_AUDIT_FAIL_ON_UNCERTAIN: 'sometimes' } })).toMatchObject({ code: 2, stderr: 'edge-audit: EDGE_AUDIT_FAIL_ON_UNCERTAIN: "sometimes" is not true or false\n' });
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ failOnUncertain: true }));
    // With every report in a file, stderr says why the run fails.
    const fromFile = run(['fw.rules', '-f', 'json', '-o', 'report.json'], { cwd: dir });
    expect(fromFile).toMatchObject({ code: 1, stderr: 'edge-audit: 1 finding(s) (1 medium); exit 1: 1 uncertain requirement(s) (fail-on-uncertain)\n' });
    expect(run(['ok.rules', '-f', 'json', '-o', 'report.json'], { cwd: dir })).toMatchObject({ code: 0, stderr: 'edge-audit: 0 finding(s); exit 0: none unwaived at or above high, no uncertain requirement\n' });
    // The environment overrides the file.
    expect(run(['fw.rules', '-f', 'json'], { cwd: dir, env: { EDGE_AUDIT_FAIL_ON_UNCERTAIN: 'false' } }).code).toBe(0);
  }, 30_000);
});

describe('configuration', () => {
  it('is found upward from the working directory, with CLI over environment over file over defaults', () => {
    const dir = scratch({ 'configs/fw.rules': 'gap.rules' });
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ format: 'json', failOn: 'critical', profile: 'edge-audit.json' }));
    const cwd = join(dir, 'configs');
    const fromFile = run(['fw.rules'], { cwd });
    expect(fromFile.code).toBe(0); // high finding, failOn critical
    expect(report(fromFile).inputs[0]!.context.profileFile).toBe(join('..', 'edge-audit.json'));
    expect(run(['fw.rules'], { cwd, env: { EDGE_AUDIT_FAIL_ON: 'high' } }).code).toBe(1);
    expect(run(['fw.rules', '--fail-on', 'critical'], { cwd, env: { EDGE_AUDIT_FAIL_ON: 'high' } }).code).toBe(0);
    expect(run(['fw.rules', '-v'], { cwd, env: { EDGE_AUDIT_FAIL_ON: 'high' } }).stderr).toContain('edge-audit: failOn = high (environment EDGE_AUDIT_FAIL_ON)\n');
  });

  it('refuses an invalid configuration, naming its file and field; and an invalid environment value, naming the variable', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ failOn: 'severe' }));
    expect(run(['fw.rules'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'edge-audit: .edge-audit.json: /failOn must be equal to one of the allowed values (none, info, low, medium, high, critical)\n' });
    expect(run(['fw.rules', '--config', 'nope.json'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'edge-audit: nope.json: no such file\n' });
    writeFileSync(join(dir, '.edge-audit.json'), '{}');
    expect(run(['fw.rules'], { cwd: dir, env: { EDGE_AUDIT_FORMAT: 'xml' } })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^edge-audit: EDGE_AUDIT_FORMAT: \/format\/0 must be equal to one of the allowed values/) });
  });
});

describe('baseline workflow', () => {
  it('records today\'s findings, then fails only on new ones and says how many it left out', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    const created = run(['fw.rules', '-f', 'json', '--create-baseline', 'baseline.json'], { cwd: dir });
    expect(created.code).toBe(1); // creating a baseline changes neither the report nor the exit code
    expect(report(created).findings).toHaveLength(2);
    const baseline = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    expect(compileSchema('schemas/baseline.schema.json')(baseline)).toBe(true);
    expect(baseline.findings.map((f: { id: string; file: string }) => [f.id, f.file])).toEqual([
      [GAP_ID, 'fw.rules'],
      [GAP_WRONG_DIRECTION_ID, 'fw.rules'],
    ]);

    const known = run(['fw.rules', '-f', 'json', '--baseline', 'baseline.json'], { cwd: dir });
    expect(known.code).toBe(0);
    expect(report(known).findings).toEqual([]);
    expect(report(known).baseline).toEqual({ file: 'baseline.json', suppressed: 2 });
    expect(validateReport(report(known))).toBe(true);

    // A new export brings new findings: those fail the build.
    copyFileSync(join(fw, 'partial.rules'), join(dir, 'new.rules'));
    const grown = run(['fw.rules', 'new.rules', '-f', 'json'], { cwd: dir, env: { EDGE_AUDIT_BASELINE: 'baseline.json' } });
    expect(grown.code).toBe(1);
    expect(report(grown).findings.map((f) => [f.file, f.check])).toEqual([['new.rules', 'partial-flow']]);
    expect(report(grown).baseline?.suppressed).toBe(2);
  });
});

describe('waivers', () => {
  const waivers = {
    waivers: [
      { id: GAP_ID, justification: 'XMPP federation goes live in Q3 (CHG-1234)', approvedBy: 'J. Doe, CISO', expires: '2030-06-30' },
      { check: 'wrong-direction', requirement: 'lync2013-xmpp-federation/xmpp-s2s-in', file: 'fw.rules', justification: 'same change', approvedBy: 'J. Doe, CISO', expires: '2030-06-30' },
    ],
  };

  it('keep waived findings in the report, marked, without failing the run; an expired waiver re-opens them and says so', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    writeFileSync(join(dir, 'waivers.json'), JSON.stringify(waivers));
    const inForce = run(['fw.rules', '-f', 'json', '--waivers', 'waivers.json'], { cwd: dir, env: { EDGE_AUDIT_TODAY: '2030-06-30' } });
    expect(inForce.code).toBe(0);
    expect(inForce.stderr).toBe('');
    const out = report(inForce);
    expect(validateReport(out), JSON.stringify(validateReport.errors)).toBe(true);
    expect(out.findings.map((f) => f.waiver?.status)).toEqual(['active', 'active']);
    expect(out.findings[0]!.waiver).toEqual({ status: 'active', ...waivers.waivers[0], id: undefined, source: { file: 'waivers.json', entry: 1 } });
    expect(out.waivers).toEqual({ files: ['waivers.json'], evaluatedOn: '2030-06-30', waived: 2, expired: 0, unused: 0 });

    const lapsed = run(['fw.rules', '-f', 'json', '--waivers', 'waivers.json'], { cwd: dir, env: { EDGE_AUDIT_TODAY: '2030-07-01' } });
    expect(lapsed.code).toBe(1);
    expect(report(lapsed).findings.map((f) => f.waiver?.status)).toEqual(['expired', 'expired']);
    expect(lapsed.stderr).toContain(`edge-audit: warning: waiver waivers.json entry 1 expired on 2030-06-30: missing-flow finding ${GAP_ID} in fw.rules counts again\n`);
    expect(run(['fw.rules', '-f', 'json', '--waivers', 'waivers.json', '-q'], { cwd: dir, env: { EDGE_AUDIT_TODAY: '2030-07-01' } }).stderr).toBe('');
  });

  it('may be a section of the configuration file, and are refused with the field named when incomplete', () => {
    const dir = scratch({ 'fw.rules': 'gap.rules' });
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ format: 'sarif', ...waivers }));
    const r = run(['fw.rules'], { cwd: dir, env: { EDGE_AUDIT_TODAY: '2030-01-01' } });
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout).runs[0].results as { suppressions?: { kind: string; status: string; justification: string }[] }[];
    expect(results.map((x) => x.suppressions?.[0]?.status)).toEqual(['accepted', 'accepted']);
    expect(results[0]!.suppressions![0]!.justification).toContain('XMPP federation goes live in Q3 (CHG-1234)');
    const { justification: _dropped, ...incomplete } = waivers.waivers[0]!;
    writeFileSync(join(dir, '.edge-audit.json'), JSON.stringify({ waivers: [incomplete] }));
    expect(run(['fw.rules'], { cwd: dir })).toMatchObject({ code: 2, stderr: "edge-audit: .edge-audit.json: /waivers/0 must have required property 'justification'\n" });
  });
});

describe('stderr and the terminal', () => {
  it('-v tells the settings, inputs, parsers and timings; -q prints nothing but errors', () => {
    const verbose = run(['fixtures/iptables/network-firewall', '-f', 'json', '-v']);
    expect(verbose.stderr).toMatch(/^edge-audit: configuration file: none\n/);
    expect(verbose.stderr).toContain('edge-audit: fixtures/iptables/network-firewall/edge-audit.json: skipped, not a recognized firewall export');
    expect(verbose.stderr).toMatch(/edge-audit: fixtures\/iptables\/network-firewall\/gap\.rules: iptables, 1 rule set\(s\), profile fixtures\/iptables\/network-firewall\/edge-audit\.json; parsed in \d+ ms, audited in \d+ ms\n/);
    expect(run(['fixtures/iptables/network-firewall', '-f', 'json', '-q']).stderr).toBe('');
    expect(run(['nope.rules', '-q']).stderr).toBe('edge-audit: nope.rules: cannot read (no such file)\n');
  });

  // `script` runs the CLI on a pseudo-terminal, as a developer's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  const onTerminal = (args: string[], env: Record<string, string> = {}) => {
    const command = [process.execPath, bin, 'check', ...args].map((a) => `'${a}'`).join(' ');
    return spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } });
  };
  const ESC = '\x1b[';

  it.skipIf(!hasScript)(`colours only the table on a terminal, unless --no-color or NO_COLOR${hasScript ? '' : ' (skipped: no `script` command)'}`, () => {
    const gap = 'fixtures/iptables/network-firewall/gap.rules';
    const table = onTerminal([gap]);
    expect(table.stdout).toContain(`${ESC}31mMISSING${ESC}0m`);
    expect(table.stdout).toContain(`${ESC}31mhigh${ESC}0m`);
    expect(onTerminal([gap, '--no-color']).stdout).not.toContain(ESC);
    expect(onTerminal([gap], { NO_COLOR: '1' }).stdout).not.toContain(ESC);
    for (const format of ['json', 'sarif', 'junit', 'markdown', 'html']) expect(onTerminal([gap, '-f', format]).stdout).not.toContain(ESC);
    // Not on a terminal (a pipe, a file): no colour even for the table.
    expect(run([gap, '-f', 'table']).stdout).not.toContain(ESC);
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-tty-'));
    onTerminal([gap, '-f', 'table,sarif', '-o', join(dir, 'r')]);
    expect(readFileSync(join(dir, 'r.txt'), 'utf8')).not.toContain(ESC);
  }, 60_000);

  it.skipIf(!hasScript)('shows progress on a terminal when auditing many files, and never in a pipe', () => {
    const many = onTerminal(['fixtures/iptables/network-firewall', '-f', 'json']);
    // Every file counts, exports or not.
    expect(many.stdout).toContain(`\r${ESC}K[1/${FW_FILES.length}] fixtures/iptables/network-firewall/${FW_FILES[0]}`);
    expect(many.stdout).toContain(`\r${ESC}K[${FW_FILES.length}/${FW_FILES.length}] `);
    expect(onTerminal(['fixtures/iptables/network-firewall/gap.rules', '-f', 'json']).stdout).not.toContain('[1/1]');
    expect(run(['fixtures/iptables/network-firewall', '-f', 'json']).stderr).not.toContain('[1/');
  }, 30_000);
});

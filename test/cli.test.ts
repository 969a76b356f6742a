/** The CLI as users and CI run it: a separate process, its exit codes, its streams and the files it writes. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../src/json-schema.js';
import type { Report } from '../src/report/report.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'edge-audit');
const fw = 'fixtures/iptables/network-firewall';
const host = 'fixtures/iptables/edge-host';

function run(args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = (args: string[]) => JSON.parse(run([...args, '--format', 'json']).stdout) as Report;
const validateReport = compileSchema<Report>('schemas/report.schema.json');

describe('edge-audit check', () => {
  it('exits 0 on a compliant export and writes a report that matches its JSON Schema', () => {
    const r = run(['check', `${fw}/compliant.rules`, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.inputs[0].context.profileFile).toBe(`${fw}/edge-audit.json`);
    expect(report.summary.requirements.satisfied).toBeGreaterThan(0);
  });

  it('exits 1 on findings at or above --fail-on, 0 below it and with --fail-on none', () => {
    expect(run(['check', `${fw}/gap.rules`, '--format', 'json']).code).toBe(1);
    expect(run(['check', `${fw}/gap.rules`, '--format', 'json', '--fail-on', 'critical']).code).toBe(0);
    expect(run(['check', `${fw}/exposed-23456.rules`, '--format', 'json', '--fail-on', 'critical']).code).toBe(1);
    expect(run(['check', `${fw}/gap.rules`, '--format', 'json', '--fail-on', 'none']).code).toBe(0);
  });

  it('orders findings by code points, so JSON and SARIF are the same under any locale ("aa" is after "z" in Danish)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-locale-'));
    for (const name of ['z.rules', 'aa.rules']) copyFileSync(join(repo, fw, 'gap.rules'), join(dir, name));
    copyFileSync(join(repo, fw, 'edge-audit.json'), join(dir, 'edge-audit.json'));
    const under = (lang: string, format: string) =>
      spawnSync(process.execPath, [bin, 'check', 'z.rules', 'aa.rules', '--format', format], { cwd: dir, encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang } }).stdout;
    const danish = under('da_DK.UTF-8', 'json');
    expect(danish).toBe(under('C', 'json'));
    expect(under('da_DK.UTF-8', 'sarif')).toBe(under('C', 'sarif'));
    const files = (JSON.parse(danish) as Report).findings.map((f) => f.file);
    expect(files.length).toBeGreaterThan(1);
    expect(files).toEqual([...files].sort());
    expect(files[0]).toBe('aa.rules');
  }, 60_000);

  it('gives byte-identical output for the same input', () => {
    const a = run(['check', `${fw}/any-service.rules`, '--format', 'json']).stdout;
    const b = run(['check', `${fw}/any-service.rules`, '--format', 'json']).stdout;
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toBe(b);
  });

  it('audits several files in one report, each against the profile beside it', () => {
    const report = json(['check', `${fw}/gap.rules`, `${host}/gap.rules`]);
    expect(report.inputs.map((i) => [i.file, i.context.deviceRole])).toEqual([
      [`${fw}/gap.rules`, 'network-firewall'],
      [`${host}/gap.rules`, 'edge-host'],
    ]);
    expect(new Set(report.findings.map((f) => f.file))).toEqual(new Set([`${fw}/gap.rules`, `${host}/gap.rules`]));
  });

  it('prints a table with the requirement matrix and findings', () => {
    const r = run(['check', `${fw}/gap.rules`, '--format', 'table']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('lync2013-xmpp-federation/xmpp-s2s-in');
    expect(r.stdout).toContain('MISSING');
    expect(r.stdout).toMatch(/missing-flow/);
  });

  it('writes every report format the README names', () => {
    const sarif = JSON.parse(run(['check', `${fw}/gap.rules`, '--format', 'sarif']).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(['missing-flow', 'wrong-direction']);
    expect(run(['check', `${fw}/gap.rules`, '--format', 'junit']).stdout).toMatch(/^<\?xml[^]*<testsuites name="edge-audit"/);
    expect(run(['check', `${fw}/gap.rules`, '--format', 'markdown']).stdout).toMatch(/^# edge-audit report/);
    expect(run(['check', `${fw}/gap.rules`, '--format', 'pdf']).code).toBe(2);
  });

  it('writes --output whole, and nothing when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    const out = join(dir, 'report.json');
    expect(run(['check', `${fw}/gap.rules`, '--format', 'json', '--output', out]).code).toBe(1);
    expect(validateReport(JSON.parse(readFileSync(out, 'utf8')))).toBe(true);
    const bad = run(['check', `${fw}/gap.rules`, '--format', 'json', '--output', join(dir, 'missing-dir', 'r.json')]);
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });

  it('infers roles, interfaces and features when there is no profile, and says from which lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    copyFileSync(join(repo, fw, 'gap.rules'), join(dir, 'fw.rules'));
    const r = run(['check', 'fw.rules', '--format', 'json'], dir);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.profile.inferred).toBe(true);
    const ctx = report.inputs[0]!.context;
    expect(ctx.profileFile).toBeNull();
    expect(ctx.deviceRole).toBe('network-firewall');
    expect(ctx.roles['access-edge']).toEqual(['203.0.113.10/31']);
    expect(ctx.interfaces).toMatchObject({ eth0: 'internet', eth1: 'edge-external', eth3: 'internal' });
    const inferred = ctx.inferences.find((i) => i.field === 'roles.access-edge')!;
    const lines = readFileSync(join(dir, 'fw.rules'), 'utf8').split('\n');
    expect(inferred.evidence.length).toBeGreaterThan(0);
    for (const e of inferred.evidence) expect(lines[e.line - 1]).toBe(e.text);
    // The gap is still found without a profile.
    expect(report.findings.map((f) => f.check)).toContain('missing-flow');
  });
});

describe('bad input', () => {
  const oneLine = (s: string) => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

  it('names a missing file, exit 2, one line', () => {
    const r = run(['check', 'nope.rules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.rules');
    expect(oneLine(r.stderr)).toBe(true);
  });

  it('refuses a file it does not recognize', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\nworld\n');
    const r = run(['check', 'notes.txt'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt: not a recognized firewall export/);
  });

  it('names the file and line of a malformed export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    writeFileSync(join(dir, 'bad.rules'), '*filter\n:INPUT DROP [0:0]\n-A INPUT -s 300.1.1.1 -j ACCEPT\nCOMMIT\n');
    const r = run(['check', 'bad.rules'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^edge-audit: bad\.rules:3: /);
    expect(oneLine(r.stderr)).toBe(true);
  });

  it('names the field of an invalid profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ roles: { 'access-edge': ['203.0.113.300'] } }));
    const r = run(['check', join(repo, fw, 'gap.rules'), '--profile', 'p.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('p.json: /roles/access-edge');
  });

  it('refuses a profile role no selected pack declares, with a did-you-mean, exit 2, one line naming the profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ roles: { 'acess-edge': ['203.0.113.10'] } }));
    const r = run(['check', join(repo, host, 'compliant.rules'), '--profile', 'p.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^edge-audit: p\.json: \/roles\/acess-edge: .*\(did you mean access-edge\?\)/);
    expect(oneLine(r.stderr)).toBe(true);
  });

  it('rejects an unknown pack and an unknown --fail-on value', () => {
    expect(run(['check', `${fw}/gap.rules`, '--pack', 'nope']).code).toBe(2);
    expect(run(['check', `${fw}/gap.rules`, '--fail-on', 'severe']).code).toBe(2);
  });
});

describe('edge-audit trace', () => {
  it('names the rule that permits a packet', () => {
    const r = run(['trace', `${fw}/compliant.rules`, '--src', '198.51.100.7', '--dst', '203.0.113.11', '--proto', 'tcp', '--dport', '5269', '--in', 'eth0', '--out', 'eth1', '--json']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.decision).toBe('permit');
    expect(t.default).toBe(false);
    const lines = readFileSync(join(repo, fw, 'compliant.rules'), 'utf8').split('\n');
    expect(lines[t.rule.line - 1]).toBe(t.rule.text);
    expect(t.rule.text).toContain('--dport 5269');
  });

  it('refuses an interface an appliance export does not have (exit 2, one line); a host export takes any name', () => {
    const packet = ['--src', '192.0.2.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5269'];
    for (const [file, where] of [
      ['fixtures/asa/asa9/compliant.cfg', ['--in', 'nosuch', '--out', 'dmz']],
      ['fixtures/fortigate/central-nat/compliant.conf', ['--in', 'wan1', '--out', 'nosuch']],
    ] as const) {
      const r = run(['trace', file, ...packet, ...where]);
      expect(r.code, file).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^edge-audit: --(in|out) nosuch: no such interface in .* \(known: .*dmz.*\)\n$/);
    }
    // iptables-save does not list the host's interfaces: one no rule names meets the chain policies.
    const host = run(['trace', `${fw}/compliant.rules`, ...packet, '--in', 'eth9', '--out', 'eth1', '--json']);
    expect(host.code).toBe(0);
    expect(JSON.parse(host.stdout)).toMatchObject({ decision: 'deny', default: true });
  }, 30_000);

  it('says whether each end is an Internet host as check defines it, and why not', () => {
    const spoofed = JSON.parse(run(['trace', `${fw}/well-built.rules`, '--src', '10.1.2.3', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5061', '--in', 'eth0', '--out', 'eth1', '--json']).stdout);
    expect(spoofed.decision).toBe('deny');
    expect(spoofed.rule.text).toContain('anti-spoofing');
    expect(spoofed.internet.src).toMatchObject({ address: '10.1.2.3', internet: false });
    expect(spoofed.internet.src.notBecause[0]).toMatch(/^non-public ranges/);
    expect(spoofed.internet.dst.notBecause[0]).toMatch(/roles/);
    const partner = run(['trace', `${fw}/well-built.rules`, '--src', '198.51.100.3', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5061', '--in', 'eth0', '--out', 'eth1']);
    expect(partner.stdout).toContain('source 198.51.100.3: an Internet host');
  });

  it('reports the default policy when no rule matches', () => {
    const t = JSON.parse(run(['trace', `${fw}/gap.rules`, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5269', '--in', 'eth0', '--out', 'eth1', '--json']).stdout);
    expect(t).toMatchObject({ decision: 'deny', default: true, rule: null });
  });

  it('follows a DNAT to the filter rule that names the private address, and names the translation', () => {
    const t = JSON.parse(run(['trace', `${fw}/nat.rules`, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '5269', '--in', 'eth0', '--out', 'eth1', '--json']).stdout);
    expect(t.decision).toBe('permit');
    expect(t.rule.text).toContain('-d 172.16.1.10/31');
    expect(t.translations.map((x: { line: number; text: string }) => x.text)).toEqual(['-A PREROUTING -d 203.0.113.10/32 -i eth0 -j DNAT --to-destination 172.16.1.10']);
  });

  it('traces one chain with --chain', () => {
    const t = JSON.parse(run(['trace', `${host}/exposed-23456.rules`, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '23456', '--chain', 'INPUT', '--in', 'eth0', '--json']).stdout);
    expect(t.decision).toBe('permit');
    expect(t.rule.text).toContain('--dport 23456');
  });

  describe('RETURN and goto back to a built-in chain: its policy decides, and the path names the rules that led there', () => {
    // test/kernel/return-policy.rules: FORWARD DROP, INPUT ACCEPT (the kernel-verdicts test runs the same packets).
    const rules = 'test/kernel/return-policy.rules';
    const trace = (dst: string, dport: number, iface: string[]) =>
      JSON.parse(run(['trace', rules, '--src', '198.51.100.7', '--dst', dst, '--proto', 'tcp', '--dport', String(dport), ...iface, '--json']).stdout);
    const steps = (t: { path: { filter: string; decision: string; rule: { line: number } | null; default: boolean }[] }) =>
      t.path.map((s) => `${s.filter} ${s.decision} ${s.rule?.line ?? '-'}${s.default ? ' default' : ''}`);
    const through = ['--in', 'eth0', '--out', 'eth1'];

    it('RETURN in FORWARD: the DROP policy, not the RETURN rule, decides', () => {
      const t = trace('203.0.113.10', 31337, through);
      expect(t).toMatchObject({ decision: 'deny', default: true, rule: null, filter: 'FORWARD' });
      expect(steps(t)).toEqual(['FORWARD return 11', 'FORWARD deny 4 default']);
    });

    it('RETURN in INPUT: the ACCEPT policy permits', () => {
      const t = trace('198.51.100.1', 22, ['--in', 'eth0']);
      expect(t).toMatchObject({ decision: 'permit', default: true, rule: null });
      expect(steps(t)).toEqual(['INPUT return 8', 'INPUT permit 3 default']);
    });

    it('RETURN in a chain reached by goto, and the end of such a chain, go to the policy, skipping the ACCEPT after the goto', () => {
      expect(steps(trace('203.0.113.10', 5061, through))).toEqual(['FORWARD jump 12', 'LYNC-EXT return 19', 'FORWARD deny 4 default']);
      // FED returns into LYNC-EXT (a call), whose end returns to FORWARD's policy (a goto).
      expect(steps(trace('203.0.113.11', 5269, through))).toEqual(['FORWARD jump 12', 'FORWARD deny 4 default']);
      expect(steps(trace('203.0.113.10', 5269, through))).toEqual(['FORWARD jump 12', 'LYNC-EXT jump 20', 'FED permit 16']);
    });

    it('says so in the text output', () => {
      const r = run(['trace', rules, '--src', '198.51.100.7', '--dst', '203.0.113.10', '--proto', 'tcp', '--dport', '31337', ...through]);
      expect(r.stdout).toBe(
        [
          'DENY',
          `  FORWARD: return (${rules}:11: -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 31337 -j RETURN)`,
          `  FORWARD: deny by default policy (${rules}:4: :FORWARD DROP [0:0])`,
          '  source 198.51.100.7: an Internet host',
          // No profile lies beside the file: 203.0.113.10 is the Access Edge inferred from the rules that open 5269 to it.
          '  destination 203.0.113.10: not the Internet (the addresses of the Edge roles and internal servers (site profile or inferred roles))',
          '',
        ].join('\n'),
      );
    });
  });

  describe('--expect', () => {
    const packet = ['--src', '198.51.100.7', '--dst', '203.0.113.11', '--proto', 'tcp', '--dport', '5269', '--in', 'eth0', '--out', 'eth1'];

    it('exits 0 when the decision is the one expected, and 1 with the trace and one line saying why when it is not', () => {
      const ok = run(['trace', `${fw}/compliant.rules`, ...packet, '--expect', 'permit']);
      expect([ok.code, ok.stderr]).toEqual([0, '']);
      expect(ok.stdout).toMatch(/^PERMIT\n/);
      const wrong = run(['trace', `${fw}/gap.rules`, ...packet, '--expect', 'permit', '--json']);
      expect(wrong.code).toBe(1);
      expect(JSON.parse(wrong.stdout).decision).toBe('deny');
      expect(wrong.stderr).toBe('edge-audit: expected permit, got deny (by the default policy of FORWARD)\n');
      const rule = run(['trace', `${fw}/compliant.rules`, ...packet, '--expect', 'deny']);
      expect(rule.code).toBe(1);
      expect(rule.stderr).toMatch(/^edge-audit: expected deny, got permit \(by fixtures\/iptables\/network-firewall\/compliant\.rules:\d+\)\n$/);
    });

    it('exits 1 on an uncertain decision, even the expected one: it cannot be asserted', () => {
      // uncertain.rules: an ipset whose members the export does not list decides this packet (deny, unless it matches).
      for (const expected of ['deny', 'permit']) {
        const r = run(['trace', `${fw}/uncertain.rules`, ...packet, '--expect', expected, '--json']);
        expect(JSON.parse(r.stdout).uncertain.length).toBeGreaterThan(0);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^edge-audit: expected ${expected}, got deny, uncertain \\(by the default policy of FORWARD\\): an uncertain decision cannot be asserted \\(may change if: .*ipset.*\\)\\n$`));
      }
    });

    it('refuses a value other than permit or deny (exit 2)', () => {
      const r = run(['trace', `${fw}/compliant.rules`, ...packet, '--expect', 'allow']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("'--expect <decision>' argument 'allow' is invalid. Allowed choices are permit, deny.");
      expect(r.stdout).toBe('');
    });
  });

  it('refuses a port for a protocol without ports, and a missing --dport', () => {
    expect(run(['trace', `${fw}/gap.rules`, '--src', '1.2.3.4', '--dst', '5.6.7.8', '--proto', 'icmp', '--dport', '80', '--in', 'eth0']).code).toBe(2);
    expect(run(['trace', `${fw}/gap.rules`, '--src', '1.2.3.4', '--dst', '5.6.7.8', '--proto', 'tcp', '--in', 'eth0']).code).toBe(2);
  });
});

describe('edge-audit policies', () => {
  it('lists both seed packs with their rules and sources', () => {
    const packs = JSON.parse(run(['policies', '--json']).stdout) as { id: string; rules: { id: string }[] }[];
    expect(packs.map((p) => p.id)).toEqual(['lync2013-sip-federation-public-im', 'lync2013-xmpp-federation']);
    const text = run(['policies']).stdout;
    expect(text).toContain('JJ618371');
    expect(text).toContain('wlm-stun-in');
  });
});

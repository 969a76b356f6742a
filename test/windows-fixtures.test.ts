/**
 * The registry-based Windows fixtures (fixtures/windows/README.md) audited end to end, for the firewall profile
 * their site profile names: each defect must produce exactly the findings its README row names, and the compliant
 * export none.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/cli/check-command.js';
import { loadProfile } from '../src/profile/site-profile.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { REPO } from './helpers/fixtures.js';
import { auditWindows } from './helpers/windows.js';

const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';
const DIR = 'fixtures/windows';
const PROFILE = `${DIR}/edge-audit.json`;

/** Expected findings as `check requirement@dport` (requirement empty for findings about a rule or the profile). */
const EXPECTED: Record<string, string[]> = {
  'edge-compliant.reg': [],
  'edge-missing-5269-in.reg': [`missing-flow ${XMPP}/xmpp-s2s-in@5269`, `wrong-direction ${XMPP}/xmpp-s2s-in@5269`],
  'edge-exposed-23456.reg': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`, 'any-rule @23456'],
  'edge-block-5061-in.reg': [`missing-flow ${SIP}/sip-federation-in@5061`, `wrong-direction ${SIP}/sip-federation-in@5061`],
  'edge-public-off.reg': [
    'firewall-disabled @any',
    `exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456`,
    'exposed-internal-port @4443',
    'exposed-internal-port @5062',
    'exposed-internal-port @8057',
    'exposed-internal-port @50001-50003',
  ],
  // The same rules as edge-compliant.reg, without the profile settings: Windows' default outbound Allow holds, and
  // any-rule reports it once per side of the Edge (not once per documented row it happens to open).
  'edge-rules.txt': ['any-rule @any', 'any-rule @any'],
};

const profile = { ...loadProfile(join(REPO, PROFILE)), file: PROFILE };
const input = (name: string) => exportFromBytes(`${DIR}/${name}`, readFileSync(join(REPO, DIR, name)));
/** The file's lines as the readers number them (UTF-16LE decoded, CR removed), 1-based. */
const lines = (name: string) => ['', ...input(name).text.split('\n').map((l) => l.replace(/\r$/, ''))];

describe('Windows registry fixtures', () => {
  it('has an expectation for every .reg fixture', () => {
    expect(readdirSync(join(REPO, DIR)).filter((f) => f.endsWith('.reg')).sort()).toEqual(Object.keys(EXPECTED).filter((f) => f.endsWith('.reg')).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : [...new Set(expected.map((e) => e.split(' ')[0]))].join(', ')}`, () => {
      const audit = auditWindows(input(name), profile);
      expect(audit.ctx.device.partition).toEqual({ kind: 'firewall-profile', name: 'Public' });
      expect(audit.findings.map((f) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport}`).sort()).toEqual([...expected].sort());
      // Every piece of evidence is the line it names, verbatim (except a default that no line declares).
      const text = lines(name);
      for (const e of audit.findings.flatMap((f) => f.evidence).filter((x) => !x.implicit)) {
        expect(text.slice(e.line, e.line + e.text.split('\n').length).join('\n')).toBe(e.text);
      }
    });
  }

  it('points the missing 5061 at the block rule that overrides the allow rule', () => {
    const f = auditWindows(input('edge-block-5061-in.reg'), profile).findings.find((x) => x.check === 'missing-flow')!;
    // The block wins over the Access Edge allow rule (earlier in the file), which is named as the permit it shadows.
    expect(f.evidence.map((e) => [e.effect, e.text.split('|').slice(0, 2).join('|')])).toEqual([
      ['shadowed', '"{3F6A8C21-7B4E-4D9A-A1C2-5E8F0B7D6A31}"="v2.26|Action=Allow'],
      ['blocks', '"{F2B4D6E8-0A2C-4C5F-AE6A-1D3B5C7E9B19}"="v2.26|Action=Block'],
    ]);
    expect(f.evidence[0]!.text).toContain('LPort=5061');
    const allow = auditWindows(input('edge-compliant.reg'), profile).requirements.find((r) => r.requirement.rule.id === 'sip-federation-in')!;
    expect(allow.status).toBe('satisfied');
  });

  it('reads 23456 open on all interfaces as reachable on the external one: the rule names no local address', () => {
    const f = auditWindows(input('edge-exposed-23456.reg'), profile).findings.find((x) => x.check === 'exposed-internal-port')!;
    expect(f.flow.dst).toEqual(['203.0.113.10']);
    expect(f.evidence.map((e) => e.text)).toEqual([expect.stringContaining('Name=Skype for Business Edge - XMPP gateway (TCP-In)')]);
    // The documented Front End -> Edge flow itself stays satisfied.
    expect(auditWindows(input('edge-exposed-23456.reg'), profile).requirements.find((r) => r.requirement.rule.id === 'xmpp-gateway-to-edge')!.status).toBe('satisfied');
  });

  it('resolves LocalSubnet through the site profile, so no rule of the compliant export is uncertain', () => {
    const audit = auditWindows(input('edge-compliant.reg'), profile);
    expect(audit.ctx.device.diagnostics.filter((d) => d.level === 'warning').map((d) => d.message)).toEqual([
      "the host's local firewall store only: rules that Group Policy gives the host, if any, also apply and are not in this export",
    ]);
    const ping = [...audit.ctx.device.filters.values()].flatMap((f) => f.rules).find((r) => r.name === 'Ping from the Edge subnets (ICMPv4-In)')!;
    expect(ping.match.flows[0]!.src.toStrings()).toEqual(['10.10.1.0/24', '203.0.113.0/24']);
  });
});

describe('edge-audit check on a Windows export', () => {
  const check = (profileName?: string) =>
    JSON.parse(runCheck([join(REPO, DIR, 'edge-compliant.reg')], { profile: join(REPO, PROFILE), format: ['json'], failOn: 'high', ...(profileName ? { profileName } : {}) }, { version: '0.0.0-test', cwd: REPO, env: {}, stdoutIsTty: false, stderr: { write: () => true }, readStdin: () => new Uint8Array() }).output) as {
      inputs: { device: string; diagnostics: { message: string }[] }[];
      findings: unknown[];
    };

  it("audits the site profile's firewallProfile only, with its address keywords", () => {
    const report = check();
    expect(report.inputs.map((i) => i.device)).toEqual(['edge-compliant (Public profile)']);
    expect(report.inputs[0]!.diagnostics.some((d) => d.message.includes('LocalSubnet'))).toBe(false);
    expect(report.findings).toEqual([]);
  });

  it('audits the profile --profile-name names instead', () => {
    expect(check('Domain').inputs.map((i) => i.device)).toEqual(['edge-compliant (Domain profile)']);
  });
});

describe('edge-audit trace on a Windows export', () => {
  const bin = join(REPO, 'bin', 'edge-audit');
  // WinRM (TCP 5985) is allowed from LocalSubnet only; what that is comes from the site profile's addressKeywords.
  const winrm = (file: string, cwd: string, ...extra: string[]) =>
    JSON.parse(execFileSync(process.execPath, [bin, 'trace', file, '--direction', 'in', '--src', '10.10.1.50', '--dst', '10.10.1.10', '--proto', 'tcp', '--dport', '5985', '--json', ...extra], { cwd, encoding: 'utf8' }));

  it("reads the site profile beside the export: its firewallProfile and what LocalSubnet stands for", () => {
    const t = winrm(`${DIR}/edge-compliant.reg`, REPO);
    expect(t).toMatchObject({ decision: 'permit', uncertain: [], filter: 'Inbound rules' });
    expect(t.rule.text).toContain('WINRM-HTTP-In-TCP');
  });

  it('without a site profile, a LocalSubnet rule is uncertain and says what to define', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-audit-trace-'));
    try {
      copyFileSync(join(REPO, DIR, 'edge-compliant.reg'), join(dir, 'edge.reg'));
      const t = winrm('edge.reg', dir, '--profile-name', 'Public');
      expect(t.decision).toBe('deny');
      expect(t.uncertain.map((u: { reason: string }) => u.reason).join(' ')).toContain('LocalSubnet is not defined in the site profile');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

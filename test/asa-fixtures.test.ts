/**
 * The shipped Cisco ASA fixtures (see fixtures/asa/README.md) audited end to end: each defect must produce exactly
 * the findings its README row names, with the severity and the evidence lines named there, and the compliant
 * files none. The 9.x fixtures are audited twice: with the Edge named by its real (DMZ) addresses, and by its
 * public ones, which only object NAT relates to what the access-lists name.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDevice, type InputAudit } from '../src/audit/audit.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { loadProfile } from '../src/profile/site-profile.js';
import { asaParser } from '../parsers/asa/index.js';
import { exportFromText } from '../parsers/export-file.js';
import { fileLines, REPO } from './helpers/fixtures.js';

const XMPP = 'lync2013-xmpp-federation';
const SIP = 'lync2013-sip-federation-public-im';
const packs = loadPacks();

/** `name` relative to fixtures/asa, audited with `profile` from its folder (none: everything inferred), as `edge-audit check` would. */
function audit(name: string, profile: string | null = 'edge-audit.json'): InputAudit {
  const file = `fixtures/asa/${name}`;
  const profileFile = `fixtures/asa/${name.split('/')[0]}/${profile}`;
  const device = asaParser.parse(exportFromText(file, readFileSync(join(REPO, file), 'utf8')), {})[0]!;
  return auditDevice(device, profile === null ? undefined : { ...loadProfile(join(REPO, profileFile)), file: profileFile }, packs);
}

/** Each finding as `check requirement@dport severity` and its evidence as `effect:line`, translations left out. */
function findings(a: InputAudit): string[] {
  return a.findings
    .map((f) => `${f.check} ${f.requirement ?? ''}@${f.flow.dport} ${f.severity} ${f.evidence.filter((e) => e.effect !== 'translates').map((e) => `${e.effect}:${e.line}`).join(' ')}`)
    .sort();
}

const ANY_EDGE = (line: number) => [
  `any-rule @any high permits:${line}`,
  `exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456 critical permits:${line}`,
  `exposed-internal-port @4443 critical permits:${line}`,
  `exposed-internal-port @5062 critical permits:${line}`,
  `exposed-internal-port @8057 critical permits:${line}`,
  `exposed-internal-port @50001-50003 critical permits:${line}`,
  `obsolete-flow ${SIP}/wlm-stun-in@3478 medium permits:${line}`,
];

/** The README's table. */
const EXPECTED: Record<string, string[]> = {
  'asa9/compliant.cfg': [],
  'asa9/gap.cfg': [`missing-flow ${XMPP}/xmpp-s2s-in@5269 high blocks:137`, `wrong-direction ${XMPP}/xmpp-s2s-in@5269 low permits:139`],
  'asa9/partial.cfg': [`partial-flow ${SIP}/sip-federation-in@5061 high permits:133 blocks:138`],
  'asa9/any-edge.cfg': ANY_EDGE(135),
  'asa9/wrong-direction.cfg': [`missing-flow ${SIP}/sip-client-in@443 high blocks:138`, `wrong-direction ${SIP}/sip-client-in@443 medium permits:140`],
  'asa9/exposed-23456.cfg': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456 critical permits:135`],
  'asa9/shadowed.cfg': [`missing-flow ${SIP}/sip-federation-in@5061 high blocks:133 shadowed:135`, `wrong-direction ${SIP}/sip-federation-in@5061 low permits:142`],
  // The inactive entry is not named; the deny is, and the general inside permit it carves the Edge out of.
  'asa9/inactive.cfg': [`missing-flow ${XMPP}/xmpp-gateway-to-edge@23456 high blocks:152 shadowed:154`],
  'asa82/compliant.cfg': [],
  'asa82/gap.cfg': [`missing-flow ${XMPP}/xmpp-s2s-in@5269 high blocks:98`, `wrong-direction ${XMPP}/xmpp-s2s-in@5269 low permits:100`],
  'asa82/partial.cfg': [`partial-flow ${SIP}/sip-federation-in@5061 high permits:94 blocks:99`],
  'asa82/any-edge.cfg': ANY_EDGE(96),
  'asa82/wrong-direction.cfg': [`missing-flow ${SIP}/sip-client-in@443 high blocks:99`, `wrong-direction ${SIP}/sip-client-in@443 medium permits:101`],
  'asa82/exposed-23456.cfg': [`exposed-internal-port ${XMPP}/xmpp-gateway-to-edge@23456 critical permits:96`],
  'asa82/shadowed.cfg': [`missing-flow ${SIP}/sip-federation-in@5061 high blocks:94 shadowed:96`, `wrong-direction ${SIP}/sip-federation-in@5061 low permits:103`],
  'asa82/inactive.cfg': [`missing-flow ${XMPP}/xmpp-gateway-to-edge@23456 high blocks:114 shadowed:116`],
  'show-access-list/compliant.txt': [],
};

describe('Cisco ASA fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const files = ['asa9', 'asa82', 'show-access-list'].flatMap((d) => readdirSync(join(REPO, 'fixtures/asa', d)).filter((f) => /\.(cfg|txt)$/.test(f)).map((f) => `${d}/${f}`));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.length === 0 ? 'no findings' : [...new Set(expected.map((e) => e.split(' ')[0]))].join(', ')}`, () => {
      const a = audit(name);
      expect(findings(a)).toEqual([...expected].sort());
      // Every piece of evidence quotes its line exactly as the file has it.
      const lines = fileLines(`fixtures/asa/${name}`);
      for (const e of a.findings.flatMap((f) => f.evidence)) expect(lines[e.line]).toBe(e.text);
    });
  }

  const asa9 = Object.keys(EXPECTED).filter((n) => n.startsWith('asa9/'));
  it.each(asa9)('%s gives the same findings when the profile names the Access Edge by its public addresses', (name) => {
    expect(findings(audit(name, 'public.edge-audit.json'))).toEqual([...EXPECTED[name]!].sort());
  });

  it('names the object NAT statement that relates the public address to the access-list entry', () => {
    const s2s = audit('asa9/compliant.cfg', 'public.edge-audit.json').requirements.find((r) => r.requirement.rule.id === 'xmpp-s2s-in')!;
    expect(s2s.status).toBe('satisfied');
    const translations = s2s.verdict!.permitted.flatMap((p) => p.translations.map((t) => t.origin.text));
    expect([...new Set(translations)].sort()).toEqual([' nat (dmz,outside) static EDGE-EXT-1-PUBLIC', ' nat (dmz,outside) static EDGE-EXT-2-PUBLIC']);
  });

  it('without a site profile, infers the roles from the rules and places the interfaces by the routes', () => {
    const a = audit('asa9/gap.cfg', null);
    expect(findings(a)).toEqual([...EXPECTED['asa9/gap.cfg']!].sort());
    expect(Object.fromEntries(a.ctx.placement.interfaces)).toEqual({ outside: 'internet', dmz: 'edge-external', 'dmz-int': 'edge-internal', inside: 'internal' });
  });

  it('audits 8.2 access-lists by the mapped addresses they name', () => {
    const a = audit('asa82/compliant.cfg');
    const s2s = a.requirements.find((r) => r.requirement.rule.id === 'xmpp-s2s-in')!;
    expect(s2s.verdict!.permitted[0]!.decidedBy!.rule!.origin.text).toContain('object-group LYNC-EDGE-EXT-PUBLIC');
    expect(a.ctx.device.nat.every((r) => r.seenFromStage === Infinity)).toBe(true);
  });
});

describe('edge-audit trace on ASA configurations', () => {
  const bin = join(REPO, 'bin', 'edge-audit');
  const trace = (file: string, args: string[]) => {
    const r = spawnSync(process.execPath, [bin, 'trace', `fixtures/asa/${file}`, ...args, '--json'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { decision: string; default: boolean; filter: string; rule: { line: number; text: string } | null; path: { filter: string; decision: string; rule: { line: number } | null }[]; translations?: { text: string }[] };
  };

  it('names the access-list line that permits a packet, arriving at the real address', () => {
    const t = trace('asa9/compliant.cfg', ['--in', 'outside', '--out', 'dmz', '--src', '192.0.2.7', '--dst', '10.10.0.11', '--proto', 'tcp', '--dport', '5269']);
    expect(t).toMatchObject({ decision: 'permit', default: false, filter: 'outside_access_in', rule: { line: 133 } });
    expect(fileLines('fixtures/asa/asa9/compliant.cfg')[t.rule!.line]).toBe(t.rule!.text);
  });

  it('follows the object NAT from the public address to the same line, and names the translation', () => {
    const t = trace('asa9/compliant.cfg', ['--in', 'outside', '--out', 'dmz', '--src', '192.0.2.7', '--dst', '203.0.113.11', '--proto', 'tcp', '--dport', '5269']);
    expect(t).toMatchObject({ decision: 'permit', rule: { line: 133 } });
    expect(t.translations?.map((x) => x.text)).toEqual([' nat (dmz,outside) static EDGE-EXT-2-PUBLIC']);
  });

  it('names the earlier deny that shadows a permit', () => {
    const t = trace('asa9/shadowed.cfg', ['--in', 'outside', '--out', 'dmz', '--src', '192.0.2.7', '--dst', '10.10.0.10', '--proto', 'tcp', '--dport', '5061']);
    expect(t).toMatchObject({ decision: 'deny', default: false, rule: { line: 133, text: 'access-list outside_access_in extended deny tcp any4 any4 eq 5061 log ' } });
  });

  it('names the deny-all entry that ends the list when nothing before it matches (8.2, mapped addresses)', () => {
    const t = trace('asa82/gap.cfg', ['--in', 'outside', '--out', 'dmz-int', '--src', '192.0.2.7', '--dst', '10.10.1.10', '--proto', 'tcp', '--dport', '23456']);
    expect(t).toMatchObject({ decision: 'deny', default: false, rule: { line: 98 } });
  });

  it('keeps the configuration\'s secrets out of the report', () => {
    const r = spawnSync(process.execPath, [bin, 'check', 'fixtures/asa/asa9/compliant.cfg', '--format', 'json'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const text = readFileSync(join(REPO, 'fixtures/asa/asa9/compliant.cfg'), 'utf8');
    for (const secret of ['RadiusKey-7gH2', 'SnmpCommunity-Q4', 'NtpKey-99x', '$sha512$5000$q0V4kR2m7pL9xC1nT6bY3w']) {
      expect(text).toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
  });

  it('shows the jump through a show access-list dispatcher to the list that decides', () => {
    const t = trace('show-access-list/compliant.txt', ['--in', 'inside', '--out', 'dmz-int', '--src', '10.20.0.22', '--dst', '10.10.1.11', '--proto', 'tcp', '--dport', '23456']);
    expect(t.decision).toBe('permit');
    expect(t.path.map((s) => [s.filter, s.decision])).toEqual([
      ['inbound access-groups (assumed from ASDM names)', 'jump'],
      ['inside_access_in', 'permit'],
    ]);
  });
});

/**
 * The real public Windows exports in ../shared/corpus/windows (see ../shared/reference/README.md): every rule is
 * read, profile settings come out as the files set them, and every warning is one edge-audit explains.
 * Skipped, with a message, where the corpus is not checked out beside the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDevice } from '../src/audit/audit.js';
import { Ports, Protocols } from '../src/model/header-space.js';
import { countRules, type Device, type Rule } from '../src/model/rule-graph.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { exportFromBytes } from '../parsers/export-file.js';
import { windowsParser } from '../parsers/windows/index.js';
import { presentOrSkip, sharedPath } from './helpers/shared.js';

const CORPUS = sharedPath('corpus', 'windows');
const present = presentOrSkip(CORPUS, 'windows corpus tests');

const read = (name: string) => exportFromBytes(name, readFileSync(join(CORPUS, name)));
/** The binary file's bytes as UTF-16LE text, for counting rule strings independently of the readers. */
const utf16 = (name: string) => readFileSync(join(CORPUS, name)).toString('utf16le');
const rules = (d: Device): Rule[] => [...d.filters.values()].flatMap((f) => f.rules);
const rule = (d: Device, id: string) => rules(d).find((r) => r.id === id)!;
const warnings = (ds: readonly Device[]) => [...new Set(ds.flatMap((d) => d.diagnostics.filter((x) => x.level === 'warning').map((x) => x.message)))].sort();

describe.skipIf(!present)('corpus: SN Domain Firewall Baseline registry.pol', () => {
  const name = 'registrypol_SN-Domain-Firewall-Baseline_registry.pol';
  const input = present ? read(name) : undefined;
  const devices = input ? windowsParser.parse(input, {}) : [];

  it('reads all 93 rule strings of the file, 11 inbound and 82 outbound, as its GPO report lists them', () => {
    expect(windowsParser.detect(input!)).toBe(true);
    const inFile = utf16(name).match(/v2\.\d+\|Action=/g) ?? [];
    const all = new Map(devices.flatMap((d) => rules(d).map((r) => [r.id, r])));
    expect(inFile).toHaveLength(93);
    expect(all.size).toBe(93);
    // Rules without a profile are in all three devices; the Domain device holds every rule.
    expect(countRules(devices.find((d) => d.partition?.name === 'Domain')!)).toBe(93);
    const [inbound, outbound] = ['Domain/in', 'Domain/out'].map((id) => devices[0]!.filters.get(id)!.rules.map((r) => r.name).sort());
    expect([inbound!.length, outbound!.length]).toEqual([11, 82]);
    // The same rules, by direction and name, as the GPO's own report (a different export of this GPO).
    const report = readFileSync(join(CORPUS, 'gporeport_SN-Domain-Firewall-Baseline_gpreport.xml')).subarray(2).toString('utf16le');
    const listed = (dir: string) => [...report.matchAll(new RegExp(`<(\\w+):${dir}FirewallRules>([\\s\\S]*?)</\\1:${dir}FirewallRules>`, 'g'))].map((m) => /<\w+:Name>([^<]*)</.exec(m[2]!)![1]).sort();
    expect(inbound).toEqual(listed('Inbound'));
    expect(outbound).toEqual(listed('Outbound'));
  });

  it('finds no profile settings (the GPO sets none), so Windows defaults hold in every profile', () => {
    expect(devices.map((d) => d.partition!.name)).toEqual(['Domain', 'Private', 'Public']);
    for (const d of devices) {
      expect(d.firewallOff).toBeUndefined();
      expect([...d.filters.values()].map((f) => [f.defaultAction, f.defaultOrigin])).toEqual([
        ['deny', undefined],
        ['permit', undefined],
      ]);
    }
  });

  it('reads the RPC keyword, ICMP type lists, edge traversal and program scope of its rules', () => {
    const d = devices[0]!;
    const backup = rule(d, '{C245295B-F872-4582-8D46-4D16FC51C59C}');
    // LPort=RPC: no port for certain, the dynamic RPC ports possibly.
    const possible = backup.match.possibleFlows!;
    expect([backup.match.flows, Ports.format(possible[0]!.dport), possible[0]!.src.toStrings(), backup.scope]).toEqual([[], '49152-65535', ['127.0.0.1'], 'program %SystemRoot%\\System32\\wbengine.exe']);
    const icmp = rule(d, '{6D1B790B-E5CB-401A-A4FE-DDB03D501E4D}');
    expect(icmp.match.flows.map((h) => `${Protocols.format(h.proto)} ${Ports.format(h.dport)}:${Ports.format(h.sport)}`)).toEqual(['icmp 2:any', 'icmp 3:any', 'icmp 11:any', 'icmp 12:any', 'icmp 3:3', 'icmp 3:4']);
    expect(rules(d).filter((r) => r.edgeTraversal)).toHaveLength(6);
    expect(rules(d).every((r) => r.enabled)).toBe(true);
  });

  it('warns only about what it explains: the GPO scope and the keywords no site profile defines', () => {
    expect(warnings(devices)).toEqual([
      "Group Policy settings (SOFTWARE\\Policies\\Microsoft\\WindowsFirewall) of this export only: rules of other GPOs, and the host's local rules unless AllowLocalPolicyMerge is 0, also apply",
      'address keyword Intranet is not defined in the site profile (addressKeywords): 36 rules are uncertain',
      'address keyword LocalSubnet is not defined in the site profile (addressKeywords): 36 rules are uncertain',
    ]);
    for (const d of devices) auditDevice(d, undefined, loadPacks());
  });
});

describe.skipIf(!present)('corpus: Win10Firewall.wfw (netsh advfirewall export)', () => {
  const name = 'wfw_Win10Firewall.wfw';
  const input = present ? read(name) : undefined;
  const devices = input ? windowsParser.parse(input, {}) : [];

  it('reads all 409 rule strings of the hive', () => {
    expect(windowsParser.detect(input!)).toBe(true);
    const raw = utf16(name).match(/v2\.\d+\|Action=/g) ?? [];
    expect(raw).toHaveLength(409);
    expect(new Set(devices.flatMap((d) => rules(d).map((r) => r.id))).size).toBe(409);
  });

  it('turns the firewall off in every profile, StandardProfile being Private, each citing its EnableFirewall value', () => {
    expect(devices.map((d) => [d.partition!.name, d.firewallOff?.text])).toEqual([
      ['Domain', 'DomainProfile\\EnableFirewall = 0 (REG_DWORD)'],
      ['Private', 'StandardProfile\\EnableFirewall = 0 (REG_DWORD)'],
      ['Public', 'PublicProfile\\EnableFirewall = 0 (REG_DWORD)'],
    ]);
    for (const d of devices) {
      const audit = auditDevice(d, undefined, loadPacks());
      expect(audit.findings.filter((f) => f.check === 'firewall-disabled').map((f) => f.severity)).toEqual(['critical']);
    }
  });

  it('reads deferred edge traversal and the disabled rules', () => {
    const shadow = rule(devices[0]!, 'RemoteDesktop-Shadow-In-TCP');
    expect([shadow.edgeTraversal, shadow.uncertain, shadow.scope]).toEqual([true, [], 'program %SystemRoot%\\system32\\RdpSa.exe']);
    const all = new Map(devices.flatMap((d) => rules(d).map((r) => [r.id, r])));
    expect([...all.values()].filter((r) => !r.enabled)).toHaveLength(utf16(name).match(/v2\.\d+\|Action=\w+\|Active=FALSE\|/g)!.length);
  });

  it('warns only about what it explains: local store, platform limits, trust tuples and undefined keywords', () => {
    const explained = [
      /^the host's local firewall store only: /,
      /^applies only on some Windows versions \(Platform=2:6:2, GTEQ\): the export does not say which version the host runs: \d+ rules are uncertain$/,
      /^applies only to the trust tuples (ProxSharing|WFDPrint|WFDDisplay) \(TTK\): \d+ rules are uncertain$/,
      /^address keyword (LocalSubnet|PlayToDevice) is not defined in the site profile \(addressKeywords\): \d+ rules are uncertain$/,
    ];
    const unexplained = warnings(devices).filter((m) => !explained.some((re) => re.test(m)));
    expect(unexplained).toEqual([]);
  });
});

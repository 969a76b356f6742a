import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace, Ports, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, NetworkInterface, Origin, Rule } from '../model/rule-graph.js';
import { auditDevice } from '../audit/audit.js';
import { loadPacks } from '../policy/load-packs.js';
import type { LoadedProfile, SiteProfile } from '../profile/site-profile.js';
import { managementAccess } from './management-access.js';

const packs = loadPacks();
const origin = (line: number, text: string): Origin => ({ file: 'fw.cfg', line, text });
const tcp = (port: number) => ({ proto: Protocols.only(6), dport: Ports.range(port) });
const PORTS: Record<string, Partial<HeaderSpace>> = { telnet: tcp(23), http: tcp(80), https: tcp(443), ssh: tcp(22), snmp: { proto: Protocols.only(17), dport: Ports.range(161) }, ping: { proto: Protocols.only(1), dport: Ports.range(8) } };

/** One management-plane permit per service on `intf` to `dst`, from `src` (any by default), all quoting line `line`. */
function services(intf: string, line: number, names: string[], opts: { src?: AddressSet; dst?: AddressSet } = {}): Rule[] {
  return names.map((service) => ({
    id: `${intf}/${service}`,
    action: { type: 'permit' },
    match: { flows: [headerSpace({ family: 'ipv4', src: opts.src ?? AddressSet.any('ipv4'), dst: opts.dst ?? AddressSet.any('ipv4'), ...(PORTS[service] ?? {}) })], inInterface: { names: [intf], negated: false } },
    enabled: true,
    // A service without known ports: an uncertain permit of everything to the interface.
    uncertain: PORTS[service] ? [] : ['ports not known'],
    deviceService: service,
    origin: origin(line, `mgmt ${names.join(' ')}`),
  }));
}

/** A filter on the input hook at `stage`. */
const input = (id: string, stage: number, rules: Rule[], defaultAction: 'permit' | 'deny'): Filter => ({ id, name: id, model: 'first-match', rules, defaultAction, attachment: { hooks: ['input'], stage } });

/** A firewall forwarding Internet traffic to the Access Edge on 443 from `outside` to `dmz`, with these interfaces and filters on traffic to itself. */
function firewall(interfaces: NetworkInterface[], toItself: Filter[]): Device {
  const rule: Rule = {
    id: 'acl/1',
    action: { type: 'permit' },
    match: { flows: [headerSpace({ dst: AddressSet.parse('203.0.113.10'), proto: Protocols.only(6), dport: Ports.range(443) })], inInterface: { names: ['outside'], negated: false } },
    enabled: true,
    uncertain: [],
    origin: origin(9, 'permit tcp any host 203.0.113.10 eq 443'),
  };
  const fwd: Filter = { id: 'fwd', name: 'forward', model: 'first-match', rules: [rule], defaultAction: 'deny', attachment: { hooks: ['forward'], stage: 10 } };
  return { name: 'fw', vendor: 'test', file: 'fw.cfg', families: ['ipv4'], interfaces, filters: new Map([fwd, ...toItself].map((f) => [f.id, f])), nat: [], diagnostics: [] };
}

/** Two public networks outside the organisation. */
const PARTNER = AddressSet.parse('81.2.69.0/24');
const SCANNERS = AddressSet.parse('45.0.0.0/8');
const deny = (line: number, src: AddressSet, uncertain: string[] = []): Rule => ({
  id: `local-in/${line}`,
  action: { type: 'deny' },
  match: { flows: [headerSpace({ family: 'ipv4', src })], inInterface: { names: ['outside'], negated: false } },
  enabled: true,
  uncertain,
  origin: origin(line, `local-in deny ${src.toString()}`),
});

const PROFILE: SiteProfile = {
  deviceRole: 'network-firewall',
  roles: { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
  interfaces: { outside: 'internet', dmz: 'edge-external', inside: 'internal' },
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};
const loaded = (profile: SiteProfile): LoadedProfile => ({ file: 'edge-audit.json', profile, roles: new Map(Object.entries(profile.roles ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)])) });
const findings = (device: Device, profile = PROFILE) => auditDevice(device, loaded(profile), packs).findings.filter((f) => f.check === managementAccess.id);

describe('management-access', () => {
  it('reports each management service the Internet reaches on an Internet-facing interface, rated by what it exposes, with its line', () => {
    const mgmt = input('mgmt', 20, [...services('outside', 4, ['telnet', 'https', 'snmp', 'ping', 'probe-response'], { dst: AddressSet.parse('203.0.113.2') }), ...services('inside', 7, ['ssh'])], 'deny');
    const f = findings(firewall([{ name: 'outside', addresses: AddressSet.parse('203.0.113.2') }, { name: 'inside' }], [mgmt]));
    expect(f.map((x) => [x.flow.dport, x.severity, x.flow.to, x.flow.src, x.flow.dst])).toEqual([
      ['telnet', 'critical', 'outside (the firewall itself)', ['internet'], ['203.0.113.2']],
      ['https', 'high', 'outside (the firewall itself)', ['internet'], ['203.0.113.2']],
      ['snmp', 'medium', 'outside (the firewall itself)', ['internet'], ['203.0.113.2']],
      ['ping', 'low', 'outside (the firewall itself)', ['internet'], ['203.0.113.2']],
      // Its ports unknown, the service only possibly answers: one step lower.
      ['probe-response', 'info', 'outside (the firewall itself)', ['internet'], ['203.0.113.2']],
    ]);
    expect(f[0]!.evidence).toEqual([{ file: 'fw.cfg', line: 4, text: 'mgmt telnet https snmp ping probe-response', effect: 'permits' }]);
    expect(f[4]!.evidence.map((e) => e.effect)).toEqual(['uncertain']);
    expect(f[4]!.message).toContain('possibly reachable from the Internet');
    expect(f[0]!.requirement).toBeUndefined();
    expect(f[0]!.message).toContain('from anywhere');
  });

  it('is one step less severe when only part of the Internet may use the service, and silent when no Internet host may', () => {
    const mgmt = input('mgmt', 20, [...services('outside', 4, ['https'], { src: PARTNER.union(AddressSet.parse('10.99.0.0/24')) }), ...services('outside', 5, ['ssh'], { src: AddressSet.parse('10.99.0.0/24') })], 'deny');
    const f = findings(firewall([{ name: 'outside' }], [mgmt]));
    // 10.99.0.0/24 is inside the organisation: no Internet host.
    expect(f.map((x) => [x.flow.dport, x.severity, x.flow.src])).toEqual([['https', 'medium', ['81.2.69.0/24']]]);
    expect(f[0]!.message).toContain('from 81.2.69.0/24 only');
  });

  it('closes what a deny on an earlier filter of the path drops, and names the rest of the Internet when it drops only part', () => {
    const mgmt = input('mgmt', 20, services('outside', 4, ['ssh', 'ping']), 'deny');
    const closed = findings(firewall([{ name: 'outside' }], [input('local-in', 10, [deny(2, AddressSet.any('ipv4'))], 'permit'), mgmt]));
    expect(closed).toEqual([]);
    const part = findings(firewall([{ name: 'outside' }], [input('local-in', 10, [deny(2, SCANNERS)], 'permit'), mgmt]));
    expect(part.map((x) => [x.flow.dport, x.severity])).toEqual([['ssh', 'medium'], ['ping', 'info']]);
    expect(part[0]!.message).toContain('reachable from the Internet except 45.0.0.0/8 only');
    expect(part[0]!.flow.src.some((s) => s.startsWith('45.'))).toBe(false);
  });

  it('rates a service one step lower when an uncertain deny before it may drop the Internet, citing that rule', () => {
    const mgmt = input('mgmt', 20, services('outside', 4, ['telnet']), 'deny');
    const f = findings(firewall([{ name: 'outside' }], [input('local-in', 10, [deny(2, AddressSet.any('ipv4'), ['schedule "office-hours"'])], 'permit'), mgmt]));
    expect(f.map((x) => [x.flow.dport, x.severity])).toEqual([['telnet', 'high']]);
    expect(f[0]!.message).toContain('possibly reachable from the Internet');
    expect(f[0]!.evidence.map((e) => [e.line, e.effect])).toEqual([[2, 'uncertain'], [4, 'permits']]);
  });

  it('places an interface by its zone when the profile names the zone', () => {
    const f = findings(firewall([{ name: 'port1', zone: 'outside' }], [input('mgmt', 20, services('port1', 4, ['http']), 'deny')]));
    expect(f.map((x) => [x.flow.dport, x.severity])).toEqual([['http', 'critical']]);
  });

  it('names no service where the device lets Internet flows in by no management rule', () => {
    expect(findings(firewall([{ name: 'outside' }], [input('INPUT', 10, [], 'permit')]))).toEqual([]);
  });

  it('stays silent on a firewall no Edge traffic crosses, and where nothing faces the Internet', () => {
    const device = firewall([{ name: 'outside' }], [input('mgmt', 20, services('outside', 4, ['telnet']), 'deny')]);
    // Only the Internet side is on this firewall: no flow to an Edge crosses it.
    expect(findings(device, { ...PROFILE, interfaces: { outside: 'internet' } })).toEqual([]);
    expect(findings(device, { ...PROFILE, interfaces: { outside: 'internal', dmz: 'edge-external' } })).toEqual([]);
  });

  it('keeps the same id when the line moves', () => {
    const id = (line: number) => findings(firewall([{ name: 'outside' }], [input('mgmt', 20, services('outside', line, ['ssh']), 'deny')]))[0]!.id;
    expect(id(4)).toBe(id(40));
  });
});

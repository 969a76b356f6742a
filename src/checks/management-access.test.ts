import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace, Ports, Protocols } from '../model/header-space.js';
import type { Device, ManagementAccess, NetworkInterface, Origin, Rule } from '../model/rule-graph.js';
import { auditDevice } from '../audit/audit.js';
import { loadPacks } from '../policy/load-packs.js';
import type { LoadedProfile, SiteProfile } from '../profile/site-profile.js';
import { managementAccess } from './management-access.js';

const packs = loadPacks();
const origin = (line: number, text: string): Origin => ({ file: 'fw.cfg', line, text });
const access = (line: number, services: string[], sources?: AddressSet): ManagementAccess[] =>
  services.map((service) => ({ service, ...(sources ? { sources } : {}), origin: origin(line, `mgmt ${services.join(' ')}`) }));

/** A firewall forwarding Internet traffic to the Access Edge on 443 from `outside` to `dmz`, with these interfaces. */
function firewall(interfaces: NetworkInterface[]): Device {
  const rule: Rule = {
    id: 'acl/1',
    action: { type: 'permit' },
    match: { flows: [headerSpace({ dst: AddressSet.parse('203.0.113.10'), proto: Protocols.only(6), dport: Ports.range(443) })], inInterface: { names: ['outside'], negated: false } },
    enabled: true,
    uncertain: [],
    origin: origin(9, 'permit tcp any host 203.0.113.10 eq 443'),
  };
  return {
    name: 'fw',
    vendor: 'test',
    file: 'fw.cfg',
    families: ['ipv4'],
    interfaces,
    filters: new Map([['fwd', { id: 'fwd', name: 'forward', model: 'first-match', rules: [rule], defaultAction: 'deny', attachment: { hooks: ['forward'], stage: 10 } }]]),
    nat: [],
    diagnostics: [],
  };
}

const PROFILE: SiteProfile = {
  deviceRole: 'network-firewall',
  roles: { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
  interfaces: { outside: 'internet', dmz: 'edge-external', inside: 'internal' },
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};
const loaded = (profile: SiteProfile): LoadedProfile => ({ file: 'edge-audit.json', profile, roles: new Map(Object.entries(profile.roles ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)])) });
const findings = (device: Device, profile = PROFILE) => auditDevice(device, loaded(profile), packs).findings.filter((f) => f.check === managementAccess.id);

describe('management-access', () => {
  it('reports each management service on an Internet-facing interface, rated by what it exposes, with its line', () => {
    const f = findings(firewall([{ name: 'outside', addresses: AddressSet.parse('203.0.113.2'), managementAccess: access(4, ['telnet', 'https', 'snmp', 'ping', 'probe-response']) }, { name: 'inside', managementAccess: access(7, ['ssh']) }]));
    expect(f.map((x) => [x.flow.dport, x.severity, x.flow.to, x.flow.dst])).toEqual([
      ['telnet', 'critical', 'outside (the firewall itself)', ['203.0.113.2']],
      ['https', 'high', 'outside (the firewall itself)', ['203.0.113.2']],
      ['snmp', 'medium', 'outside (the firewall itself)', ['203.0.113.2']],
      ['ping', 'low', 'outside (the firewall itself)', ['203.0.113.2']],
      ['probe-response', 'low', 'outside (the firewall itself)', ['203.0.113.2']],
    ]);
    expect(f[0]!.evidence).toEqual([{ file: 'fw.cfg', line: 4, text: 'mgmt telnet https snmp ping probe-response', effect: 'permits' }]);
    expect(f[0]!.requirement).toBeUndefined();
    expect(f[0]!.message).toContain('from anywhere');
  });

  it('is one step less severe when only some sources may use the service, and silent when none may', () => {
    const trusted = AddressSet.parse('192.0.2.0/24');
    const f = findings(firewall([{ name: 'outside', managementAccess: [...access(4, ['https'], trusted), ...access(5, ['ssh'], AddressSet.NONE)] }]));
    expect(f.map((x) => [x.flow.dport, x.severity, x.flow.src])).toEqual([['https', 'medium', ['192.0.2.0/24']]]);
    expect(f[0]!.message).toContain('from 192.0.2.0/24 only');
  });

  it('places an interface by its zone when the profile names the zone', () => {
    const f = findings(firewall([{ name: 'port1', zone: 'outside', managementAccess: access(4, ['http']) }]));
    expect(f.map((x) => [x.flow.dport, x.severity])).toEqual([['http', 'critical']]);
  });

  it('stays silent on a firewall no Edge traffic crosses, and where nothing faces the Internet', () => {
    const device = firewall([{ name: 'outside', managementAccess: access(4, ['telnet']) }]);
    // Only the Internet side is on this firewall: no flow to an Edge crosses it.
    expect(findings(device, { ...PROFILE, interfaces: { outside: 'internet' } })).toEqual([]);
    expect(findings(device, { ...PROFILE, interfaces: { outside: 'internal', dmz: 'edge-external' } })).toEqual([]);
  });

  it('keeps the same id when the line moves', () => {
    const id = (line: number) => findings(firewall([{ name: 'outside', managementAccess: access(line, ['ssh']) }]))[0]!.id;
    expect(id(4)).toBe(id(40));
  });
});

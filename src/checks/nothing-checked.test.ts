import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { auditDevice, type InputAudit } from '../audit/audit.js';
import { loadPacks } from '../policy/load-packs.js';
import type { SiteProfile } from '../profile/site-profile.js';
import { iptablesParser } from '../../parsers/iptables/index.js';
import { exportFromText } from '../../parsers/export-file.js';

const packs = loadPacks();

/** The Edge server's own firewall: every documented flow to and from the Edge opened on INPUT/OUTPUT. */
const HOST = [
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD DROP [0:0]',
  ':OUTPUT DROP [0:0]',
  '-A INPUT -d 203.0.113.10/32 -i eth0 -p tcp -m multiport --dports 443,5061,5269 -j ACCEPT',
  '-A INPUT -s 10.20.0.0/24 -d 10.10.1.10/32 -i eth1 -p tcp -m tcp --dport 23456 -j ACCEPT',
  '-A OUTPUT -s 203.0.113.10/32 -o eth0 -p tcp -m multiport --dports 5061,5269 -j ACCEPT',
  '-A OUTPUT -s 203.0.113.10/32 -o eth0 -p udp -m udp --dport 3478 -j ACCEPT',
  'COMMIT',
  '',
].join('\n');
const ROLES = { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] };
const ALL_ON = { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true };

function audit(profile: SiteProfile): InputAudit {
  const device = iptablesParser.parse(exportFromText('edge.rules', HOST), {})[0]!;
  const roles = new Map(Object.entries(profile.roles ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)]));
  return auditDevice(device, { file: 'site/edge-audit.json', profile, roles }, packs);
}
const nothing = (a: InputAudit) => a.findings.filter((f) => f.check === 'nothing-checked');

describe('nothing-checked', () => {
  it('is high when the device as placed carries no documented flow, and says how it was placed and what to set', () => {
    // The Edge host's rules, placed as a network firewall whose one interface faces the Internet: no flow crosses it.
    const a = audit({ deviceRole: 'network-firewall', roles: ROLES, interfaces: { eth0: 'internet' }, features: ALL_ON });
    expect(a.requirements.filter((r) => !r.requirement.rule.obsoleteSince).every((r) => r.status === 'not-applicable')).toBe(true);
    const [f, ...rest] = nothing(a);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('high');
    expect(f!.message).toContain('no documented flow crosses this device as placed (6 of 6 do not cross it)');
    expect(f!.message).toContain('a network firewall (as site/edge-audit.json says) whose interfaces face: eth0 → internet');
    expect(f!.message).toMatch(/set "deviceRole" .* and "interfaces"/);
  });

  it('is not raised once the same rules are placed as the Edge host they are', () => {
    const a = audit({ deviceRole: 'edge-host', roles: ROLES, interfaces: { eth0: 'edge-external', eth1: 'edge-internal' }, features: ALL_ON });
    expect(nothing(a)).toEqual([]);
  });

  it('is medium when every feature is off: there is nothing to audit, and it says so', () => {
    const off = { xmppFederation: false, sipFederation: false, publicIm: false, remoteUsers: false };
    const [f, ...rest] = nothing(audit({ deviceRole: 'edge-host', roles: ROLES, features: off }));
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('medium');
    expect(f!.message).toContain('every documented flow serves a feature that is off');
    expect(f!.message).toContain('xmppFederation (off in site/edge-audit.json)');
  });

  it('is high, not medium, when some flows are off the path and the rest serve features that are off', () => {
    const some = { ...ALL_ON, remoteUsers: false, sipFederation: false };
    const [f] = nothing(audit({ deviceRole: 'network-firewall', roles: ROLES, interfaces: { eth0: 'internet' }, features: some }));
    expect(f!.severity).toBe('high');
    expect(f!.message).toContain('(3 of 6 do not cross it, the others serve features that are off)');
  });
});

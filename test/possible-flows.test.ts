/**
 * One intent, one verdict across vendors: a permit from any source to a group holding the Edge host and an FQDN
 * object, for TCP 5061, written in Cisco ASA and in FortiOS syntax. The Edge host is matched for certain, so the
 * inbound SIP federation requirement is satisfied on both; what the FQDN may resolve to is uncertain, and shows
 * only where it matters: a flow to another host behind the firewall, which the policy may or may not let through.
 */
import { describe, expect, it } from 'vitest';
import { auditDevice, type InputAudit } from '../src/audit/audit.js';
import { evaluateFlow, verdictOf } from '../src/audit/flow-query.js';
import { AddressSet } from '../src/model/address-set.js';
import { Ports, Protocols } from '../src/model/header-space.js';
import type { Device } from '../src/model/rule-graph.js';
import { loadPacks } from '../src/policy/load-packs.js';
import { asaParser } from '../parsers/asa/index.js';
import { exportFromText } from '../parsers/export-file.js';
import { fortigateParser } from '../parsers/fortigate/index.js';
import { loadedProfile } from './helpers/windows.js';

const ASA = `ASA Version 9.8(4)
hostname edge-fw
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.248
!
interface GigabitEthernet1/2
 nameif dmz
 security-level 50
 ip address 203.0.113.1 255.255.255.0
!
object network SIP-PARTNER
 fqdn v4 sip.partner.example
object-group network EDGE-SIP
 network-object host 203.0.113.10
 network-object object SIP-PARTNER
access-list outside_access_in extended permit tcp any4 object-group EDGE-SIP eq 5061
access-group outside_access_in in interface outside
: end
`;

const FORTIGATE = `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
config system interface
    edit "dmz"
        set ip 203.0.113.1 255.255.255.0
    next
    edit "wan1"
        set ip 198.51.100.2 255.255.255.248
    next
end
config firewall address
    edit "edge-ae"
        set subnet 203.0.113.10 255.255.255.255
    next
    edit "sip-partner"
        set type fqdn
        set fqdn "sip.partner.example"
    next
end
config firewall addrgrp
    edit "EDGE-SIP"
        set member "edge-ae" "sip-partner"
    next
end
config firewall service custom
    edit "SIP-TLS"
        set tcp-portrange 5061
    next
end
config firewall policy
    edit 1
        set srcintf "wan1"
        set dstintf "dmz"
        set action accept
        set srcaddr "all"
        set dstaddr "EDGE-SIP"
        set schedule "always"
        set service "SIP-TLS"
    next
end
`;

const packs = loadPacks();
const profile = (outside: string) =>
  loadedProfile({
    name: 'Access Edge 203.0.113.10 in the DMZ',
    deviceRole: 'network-firewall',
    roles: { 'access-edge': ['203.0.113.10'] },
    interfaces: { [outside]: 'internet', dmz: 'edge-external' },
    packs: ['lync2013-sip-federation-public-im'],
    features: { sipFederation: true, publicIm: false, remoteUsers: false },
  });

const DEVICES: readonly (readonly [string, () => Device, string])[] = [
  ['Cisco ASA', () => asaParser.parse(exportFromText('edge-fw.cfg', ASA), {})[0]!, 'outside'],
  ['FortiGate', () => fortigateParser.parse(exportFromText('edge-fw.conf', FORTIGATE), {})[0]!, 'wan1'],
];

/** TCP 5061 from the Internet to `dst` behind the firewall (the DMZ), as the audit evaluates a documented flow. */
function toDmzHost(device: Device, a: InputAudit, dst: string) {
  return verdictOf(
    evaluateFlow(device, a.ctx.placement, {
      from: { role: 'internet', zone: 'internet' },
      to: { role: 'dmz host', zone: 'edge-external', addresses: AddressSet.parse(dst) },
      protocols: Protocols.only(6),
      dport: Ports.range(5061),
    }),
  );
}

describe('a permit to {Edge host, FQDN object}: the same verdicts on every vendor', () => {
  for (const [vendor, device, outside] of DEVICES) {
    describe(vendor, () => {
      const a = auditDevice(device(), profile(outside), packs);

      it('satisfies the inbound SIP federation requirement for the Edge host, with no uncertainty', () => {
        const r = a.requirements.find((x) => x.requirement.id === 'lync2013-sip-federation-public-im/sip-federation-in')!;
        expect(r.status).toBe('satisfied');
        expect(r.verdict!.uncertain).toEqual([]);
        expect(a.findings.filter((f) => f.requirement === r.requirement.id)).toEqual([]);
      });

      it('is uncertain, naming the FQDN, for another host the name may resolve to', () => {
        const v = toDmzHost(a.ctx.device, a, '203.0.113.20');
        expect(v.status).toBe('uncertain');
        expect(v.uncertain.map((p) => p.uncertainty.map((u) => u.reason.includes('sip.partner.example')))).toEqual([[true]]);
      });

      it('without a site profile, infers the Access Edge from what the rule certainly opens', () => {
        const inferred = auditDevice(device(), undefined, packs).ctx.inferences.find((i) => i.field === 'roles.access-edge');
        expect(inferred?.value).toBe('203.0.113.10');
      });
    });
  }
});

#!/usr/bin/env node
// Deterministic generator of large, realistic Cisco ASA 9.x running-configs for `npm run bench`.
//
//   node bench/generate-asa.mjs 100000 [seed] > file.cfg          (the profile goes to stderr as JSON)
//   import { generateAsaConfig } from './generate-asa.mjs';
//   const { text, profile } = generateAsaConfig(100000, 1);
//
// `rules` is the number of access-list entries; object and object-group definitions come on top (about a
// quarter more lines). The same {rules, seed} always gives the same text.
//
// Layout: the interfaces, Lync objects, object NAT and access-groups of fixtures/asa/asa9/compliant.cfg; then
// filler network objects, network object-groups (4–20 members, some nested), typed port groups and untyped
// service groups; then four interface access-lists holding the entries: the Lync entries of the compliant
// fixture at pseudo-random positions, filler entries around them (permits and denies with hosts, masked
// networks, objects, groups, port operators, service groups, `log`, remarks). Filler addresses come from
// 172.16.0.0/12 and 10.0.0.0/8 outside 10.10/16, 10.20/16 and 10.99/16 (Edge, Front End, management) and never
// use `any` as the destination, so the configuration stays compliant: the audit has the full work to do and
// no finding to report.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ip, mulberry32 } from './generate-iptables.mjs';

/** The profile of fixtures/asa/asa9/edge-audit.json: roles by their real addresses. */
export const PROFILE = {
  name: 'Lync 2013 Edge pool behind a generated ASA 9.x',
  deviceRole: 'network-firewall',
  roles: {
    'access-edge': ['10.10.0.10', '10.10.0.11'],
    'edge-internal': ['10.10.1.10', '10.10.1.11'],
    'front-end': ['10.20.0.21', '10.20.0.22', '10.20.0.23'],
  },
  interfaces: { outside: 'internet', dmz: 'edge-external', 'dmz-int': 'edge-internal', inside: 'internal' },
  packs: ['lync2013-xmpp-federation', 'lync2013-sip-federation-public-im'],
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};

const HEAD = `: Saved

: 
: Serial Number: JAD21450A1B
: Hardware:   ASA5585-SSP-60, 49152 MB RAM, CPU Xeon 5600 series 2661 MHz, 2 CPUs
:
ASA Version 9.8(4)20 
!
hostname edge-fw-bench
domain-name corp.example.com
names
!
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.248 standby 198.51.100.3 
!
interface GigabitEthernet0/1
 nameif dmz
 security-level 50
 ip address 10.10.0.1 255.255.255.0 standby 10.10.0.2 
!
interface GigabitEthernet0/2
 nameif dmz-int
 security-level 60
 ip address 10.10.1.1 255.255.255.0 standby 10.10.1.2 
!
interface GigabitEthernet0/3
 nameif inside
 security-level 100
 ip address 10.1.1.1 255.255.255.0 standby 10.1.1.2 
!
ftp mode passive
object network EDGE-EXT-1
 host 10.10.0.10
object network EDGE-EXT-2
 host 10.10.0.11
object network EDGE-EXT-1-PUBLIC
 host 203.0.113.10
object network EDGE-EXT-2-PUBLIC
 host 203.0.113.11
object network INSIDE-NET
 subnet 10.0.0.0 255.0.0.0
object-group network LYNC-EDGE-EXT
 network-object object EDGE-EXT-1
 network-object object EDGE-EXT-2
object-group network LYNC-EDGE-INT
 network-object host 10.10.1.10
 network-object host 10.10.1.11
object-group network LYNC-FE-POOL
 network-object host 10.20.0.21
 network-object host 10.20.0.22
 network-object host 10.20.0.23
object-group service LYNC-EDGE-EXT-IN tcp
 port-object eq https
 port-object eq 5061
 port-object eq 5269
object-group service LYNC-EDGE-EXT-OUT
 service-object tcp destination eq 5061 
 service-object tcp destination eq 5269 
object-group service LYNC-FE-TO-EDGE
 service-object tcp destination eq https 
 service-object tcp destination eq 4443 
 service-object tcp destination eq 5061 
 service-object tcp destination eq 5062 
 service-object tcp destination eq 8057 
 service-object tcp destination eq 23456 
 service-object udp destination eq 3478 
`;

/** The Lync entries of the compliant fixture, per access-list; they go to pseudo-random positions. */
const LYNC = {
  outside_access_in: ['extended permit tcp any4 object-group LYNC-EDGE-EXT object-group LYNC-EDGE-EXT-IN '],
  dmz_access_in: ['extended permit object-group LYNC-EDGE-EXT-OUT object-group LYNC-EDGE-EXT any4 '],
  'dmz-int_access_in': ['extended permit tcp object-group LYNC-EDGE-INT object-group LYNC-FE-POOL eq 5061 '],
  inside_access_in: ['extended permit object-group LYNC-FE-TO-EDGE object-group LYNC-FE-POOL object-group LYNC-EDGE-INT '],
};
/** Each list ends like the fixture's: the Edge is closed to everything else. */
const TAIL = {
  outside_access_in: ['extended deny ip any any log '],
  dmz_access_in: ['extended deny ip any any log '],
  'dmz-int_access_in': ['extended deny ip any any log '],
  inside_access_in: ['extended deny ip any object-group LYNC-EDGE-INT log ', 'extended deny ip any object-group LYNC-EDGE-EXT log ', 'extended permit ip object INSIDE-NET any4 '],
};
/** Share of the filler entries per list. */
const SHARE = [['outside_access_in', 0.3], ['dmz_access_in', 0.1], ['dmz-int_access_in', 0.1], ['inside_access_in', 0.5]];

const TAIL_TEXT = `pager lines 24
logging enable
logging asdm informational
mtu outside 1500
mtu dmz 1500
mtu dmz-int 1500
mtu inside 1500
icmp unreachable rate-limit 1 burst-size 1
no asdm history enable
arp timeout 14400
!
object network EDGE-EXT-1
 nat (dmz,outside) static EDGE-EXT-1-PUBLIC
object network EDGE-EXT-2
 nat (dmz,outside) static EDGE-EXT-2-PUBLIC
object network INSIDE-NET
 nat (inside,outside) dynamic interface
access-group outside_access_in in interface outside
access-group dmz_access_in in interface dmz
access-group dmz-int_access_in in interface dmz-int
access-group inside_access_in in interface inside
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
route inside 10.20.0.0 255.255.0.0 10.1.1.254 1
route inside 10.99.0.0 255.255.255.0 10.1.1.254 1
timeout xlate 3:00:00
http server enable
http 10.99.0.0 255.255.255.0 inside
ssh 10.99.0.0 255.255.255.0 inside
ssh version 2
username admin password $sha512$5000$q0V4kR2m7pL9xC1nT6bY3w==$Hd8fK2pQ9mN4sV7xZ1cB5g== pbkdf2 privilege 15
!
service-policy global_policy global
prompt hostname context 
Cryptochecksum:6c2b7a1f8e9d4c3b2a1f0e9d8c7b6a59
: end
`;

const PORTS = ['www', 'https', 'ssh', 'domain', 'smtp', 'ldap', 'ldaps', 'sqlnet', '1433', '3306', '3389', '5432', '8080', '8443', '9443', '27017'];
const MASKS = [[16, '255.255.0.0'], [22, '255.255.252.0'], [24, '255.255.255.0'], [24, '255.255.255.0'], [26, '255.255.255.192'], [28, '255.255.255.240'], [29, '255.255.255.248'], [30, '255.255.255.252']];
const EXCLUDED_10_OCTETS = new Set([1, 10, 20, 99]); // inside transit, Edge, Front End, management
const APPS = ['crm', 'erp', 'billing', 'wiki', 'git', 'ci', 'backup', 'mon', 'syslog', 'sap', 'sql', 'mq', 'k8s', 'nas', 'print'];

/**
 * @param {number} rules access-list entries to write
 * @param {number} [seed]
 * @returns {{ text: string, profile: object }}
 */
export function generateAsaConfig(rules, seed = 1) {
  if (!Number.isInteger(rules) || rules < 0) throw new RangeError(`rules must be a non-negative integer (got ${rules})`);
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (arr) => arr[int(arr.length)];
  const chance = (p) => rnd() < p;

  const draw32 = () => {
    if (chance(0.6)) {
      let o2;
      do o2 = int(256); while (EXCLUDED_10_OCTETS.has(o2));
      return ((10 << 24) | (o2 << 16) | int(65536)) >>> 0;
    }
    return ((172 << 24) | ((16 + int(16)) << 16) | int(65536)) >>> 0;
  };
  const hostIp = () => {
    for (;;) {
      const n = draw32();
      if ((n & 255) !== 0 && (n & 255) !== 255) return ip(n);
    }
  };
  const network = () => {
    const [len, mask] = pick(MASKS);
    return `${ip((draw32() & ((0xffffffff << (32 - len)) >>> 0)) >>> 0)} ${mask}`;
  };

  const out = [HEAD];
  // ---- objects and groups, about one definition line per four entries ------------------------
  const objects = [];
  for (let k = 0; k < Math.ceil(rules / 40); k++) {
    const name = `${pick(APPS).toUpperCase()}-SRV-${k}`;
    out.push(`object network ${name}\n host ${hostIp()}\n`);
    objects.push(name);
  }
  const netGroups = [];
  for (let k = 0; k < Math.ceil(rules / 100); k++) {
    const name = `NET-${pick(APPS).toUpperCase()}-${k}`;
    const members = [` description ${pick(APPS)} hosts and networks (CHG-${1000 + int(9000)})`];
    const count = 4 + int(17);
    for (let m = 0; m < count; m++) {
      const r = rnd();
      if (r < 0.5) members.push(` network-object host ${hostIp()}`);
      else if (r < 0.8) members.push(` network-object ${network()}`);
      else if (objects.length) members.push(` network-object object ${pick(objects)}`);
    }
    if (netGroups.length && chance(0.2)) members.push(` group-object ${pick(netGroups)}`);
    out.push(`object-group network ${name}\n${members.join('\n')}\n`);
    netGroups.push(name);
  }
  const portGroups = [];
  const serviceGroups = [];
  for (let k = 0; k < Math.ceil(rules / 400); k++) {
    const ports = [...new Set(Array.from({ length: 2 + int(7) }, () => pick(PORTS)))];
    out.push(`object-group service PORTS-${k} tcp\n${ports.map((p) => ` port-object eq ${p}`).join('\n')}\n port-object range ${8000 + k} ${8010 + k}\n`);
    portGroups.push(`PORTS-${k}`);
    out.push(`object-group service SVC-${k}\n service-object tcp destination eq ${pick(PORTS)} \n service-object udp destination eq ${pick(['domain', 'ntp', 'snmp', 'syslog'])} \n service-object icmp echo\n`);
    serviceGroups.push(`SVC-${k}`);
  }

  // ---- entries ----------------------------------------------------------------------------
  // `any4` sources only in permits on outside and inside: from the DMZs they would include the Edge itself, and a
  // deny from anywhere could shadow the Edge's own flows.
  const src = (action) => {
    const r = rnd();
    if (r < 0.15 && action === 'permit' && anySource) return 'any4';
    if (r < 0.45) return `host ${hostIp()}`;
    if (r < 0.7) return network();
    if (r < 0.85 && netGroups.length) return `object-group ${pick(netGroups)}`;
    return objects.length ? `object ${pick(objects)}` : `host ${hostIp()}`;
  };
  const dst = () => {
    const r = rnd();
    if (r < 0.4) return `host ${hostIp()}`;
    if (r < 0.65) return network();
    if (r < 0.85 && netGroups.length) return `object-group ${pick(netGroups)}`;
    return objects.length ? `object ${pick(objects)}` : `host ${hostIp()}`;
  };
  let anySource = false;
  const entry = () => {
    const action = chance(0.85) ? 'permit' : 'deny';
    const log = chance(0.1) ? (chance(0.5) ? ' log' : ' log informational interval 300') : '';
    const r = rnd();
    if (r < 0.45) return `extended ${action} tcp ${src(action)} ${dst()} eq ${pick(PORTS)} ${log}`;
    if (r < 0.55) return `extended ${action} tcp ${src(action)} ${dst()} range ${1024 + int(30000)} ${32000 + int(30000)} ${log}`;
    if (r < 0.65 && portGroups.length) return `extended ${action} tcp ${src(action)} ${dst()} object-group ${pick(portGroups)} ${log}`;
    if (r < 0.72 && serviceGroups.length) return `extended ${action} object-group ${pick(serviceGroups)} ${src(action)} ${dst()} ${log}`;
    if (r < 0.85) return `extended ${action} udp ${src(action)} ${dst()} eq ${pick(['domain', 'ntp', 'snmp', 'syslog', '1812'])} ${log}`;
    if (r < 0.9) return `extended ${action} icmp ${src(action)} ${dst()} echo ${log}`;
    return `extended ${action} ip ${src(action)} ${dst()} ${log}`;
  };
  const fixed = Object.values(LYNC).flat().length + Object.values(TAIL).flat().length;
  const filler = Math.max(0, rules - fixed);
  for (const [acl, share] of SHARE) {
    const count = Math.round(filler * share);
    const lyncAt = int(count + 1);
    anySource = acl === 'outside_access_in' || acl === 'inside_access_in';
    for (let k = 0; k <= count; k++) {
      if (k === lyncAt) out.push(`access-list ${acl} remark Lync Edge (CHG-2231)\n`, ...LYNC[acl].map((e) => `access-list ${acl} ${e}\n`));
      if (k === count) break;
      if (chance(0.02)) out.push(`access-list ${acl} remark ${pick(APPS)} (CHG-${1000 + int(9000)})\n`);
      out.push(`access-list ${acl} ${entry()}\n`);
    }
    for (const t of TAIL[acl]) out.push(`access-list ${acl} ${t}\n`);
  }
  out.push(TAIL_TEXT);
  return { text: out.join(''), profile: PROFILE };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rules = Number(process.argv[2] ?? 10000);
  const seed = Number(process.argv[3] ?? 1);
  const { text, profile } = generateAsaConfig(rules, seed);
  process.stdout.write(text);
  process.stderr.write(`${JSON.stringify(profile, null, 2)}\n`);
}

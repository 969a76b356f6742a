#!/usr/bin/env node
// Deterministic generator of large, realistic FortiGate (FortiOS 7.2.5) configuration backups for the benchmark.
//
//   node bench/generate-fortigate.mjs 100000 [seed] > file.conf      (the profile goes to file.conf.edge-audit.json)
//   import { generateFortigateConfig } from './generate-fortigate.mjs';
//   const { text, profile } = generateFortigateConfig(100000, 1);
//
// The text is what a backup prints (`#config-version` header, four-space indentation, quoted names, defaults
// omitted: a deny policy has no `set action` line). Layout, for the profile returned with it (the one of
// fixtures/fortigate/policy-nat):
//   interfaces  wan1 (Internet), dmz (Access Edge behind static-NAT VIPs), internal1 (Edge internal),
//               internal2/internal3 in zone "inside" (Front End, management), port1…port12 (other segments,
//               three zones)
//   objects     one address per ~4 policies (hosts, subnets, ranges), groups of 2–8, ~300 custom services and
//               groups, 40 published servers (static-NAT and port-forward VIPs on wan1)
//   policies    exactly `policies` entries, the Lync ones (those of fixtures/fortigate/policy-nat/compliant.conf) at
//               pseudo-random positions among the filler, ids shuffled so configuration order is not id order; each
//               names one to three address objects (two thirds just one), one to three services
// Filler addresses never fall in 10.10/16, 10.20/16, 10.99/16, 172.16.10/24 or 203.0.113/24 (the Edge's networks).

import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ip, mulberry32 } from './generate-iptables.mjs';

const SEGMENTS = Array.from({ length: 12 }, (_, i) => `port${i + 1}`);
const ZONES = { 'dc-zone': SEGMENTS.slice(0, 4), 'branch-zone': SEGMENTS.slice(4, 8), 'lab-zone': SEGMENTS.slice(8, 12) };
const EXCLUDED_10_OCTETS = new Set([10, 20, 99]);
const COMMON_PORTS = [22, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 465, 514, 587, 636, 993, 995, 1433, 1521, 2049, 3306, 3389, 5432, 5900, 6379, 8000, 8080, 8443, 9090, 9200, 9443, 11211, 27017];
const PREDEFINED = ['HTTP', 'HTTPS', 'SSH', 'DNS', 'PING', 'SMTP', 'SNMP', 'RDP', 'NTP', 'LDAP', 'SMB', 'MYSQL', 'MS-SQL', 'ALL_ICMP', 'SYSLOG', 'KERBEROS'];
const APPS = ['crm', 'erp', 'billing', 'ldap', 'wiki', 'jira', 'git', 'ci', 'backup', 'mon', 'syslog', 'ntp', 'dns', 'smtp', 'vpn', 'hr', 'pos', 'sap', 'sql', 'mq', 'k8s', 'nas', 'print', 'cam'];
const PHRASES = ['to db cluster', 'from branch office', 'for vendor access', 'until migration done', 'per audit 2024', "don't remove", 'see "runbook" p.12', 'backup window 01:00-03:00', 'monitoring (read-only)', 'ops/netsec approved'];
const I = '    ';

export const PROFILE = {
  name: 'Generated FortiGate benchmark: Lync 2013 Edge pool behind static-NAT VIPs (public addresses)',
  deviceRole: 'network-firewall',
  roles: { 'access-edge': ['203.0.113.10', '203.0.113.11'], 'edge-internal': ['10.10.1.10', '10.10.1.11'], 'front-end': ['10.20.0.0/24'] },
  interfaces: { wan1: 'internet', dmz: 'edge-external', internal1: 'edge-internal', internal2: 'internal', internal3: 'internal' },
  packs: ['lync2013-xmpp-federation', 'lync2013-sip-federation-public-im'],
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};

/** `{ text, profile }`: a backup with exactly `policies` firewall policies, and the site profile it is audited with. */
export function generateFortigateConfig(policies, seed = 1) {
  if (!Number.isInteger(policies) || policies < 0) throw new RangeError(`policies must be a non-negative integer (got ${policies})`);
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (arr) => arr[int(arr.length)];
  const chance = (p) => rnd() < p;
  const quote = (s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const hex = (n) => Array.from({ length: n }, () => int(16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-51ee-${hex(4)}-${hex(12)}`;
  const out = [];
  const w = (line) => out.push(line);
  const entry = (name, sets, depth = 1) => {
    w(`${I.repeat(depth)}edit ${name}`);
    for (const s of sets) w(`${I.repeat(depth + 1)}${s}`);
    w(`${I.repeat(depth)}next`);
  };

  // ---- addresses ---------------------------------------------------------------------------
  const draw32 = () => {
    if (chance(0.7)) {
      let o2;
      do o2 = int(256); while (EXCLUDED_10_OCTETS.has(o2));
      return ((10 << 24) | (o2 << 16) | int(65536)) >>> 0;
    }
    let o2;
    do o2 = 16 + int(16); while (o2 === 16);
    return ((172 << 24) | (o2 << 16) | int(65536)) >>> 0;
  };
  const mask = (len) => ip((0xffffffff << (32 - len)) >>> 0);
  const addresses = [];
  const addressCount = Math.max(20, Math.ceil(policies / 4));
  const used = new Set();
  for (let k = 0; k < addressCount; k++) {
    const r = rnd();
    let name;
    let sets;
    if (r < 0.6) {
      const n = draw32();
      name = `h-${ip(n)}`;
      sets = [`set subnet ${ip(n)} 255.255.255.255`];
    } else if (r < 0.9) {
      const len = pick([16, 20, 22, 24, 24, 24, 26, 27, 28, 29]);
      const n = (draw32() & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
      name = `n-${ip(n)}_${len}`;
      sets = [`set subnet ${ip(n)} ${mask(len)}`];
    } else {
      const n = draw32() & ~255;
      const lo = n + 1 + int(100);
      name = `r-${ip(lo)}`;
      sets = ['set type iprange', `set start-ip ${ip(lo)}`, `set end-ip ${ip(lo + 1 + int(50))}`];
    }
    if (used.has(name)) continue;
    used.add(name);
    if (chance(0.2)) sets.unshift(`set comment ${quote(`${pick(APPS)}${int(50)} ${pick(PHRASES)}`)}`);
    addresses.push({ name, sets });
  }
  const groups = Array.from({ length: Math.max(2, Math.ceil(policies / 50)) }, (_, k) => ({
    name: `grp-${pick(APPS)}-${k}`,
    members: [...new Set(Array.from({ length: 2 + int(7) }, () => pick(addresses).name))],
  }));
  const addressName = () => (chance(0.1) ? pick(groups).name : pick(addresses).name);

  // ---- services ----------------------------------------------------------------------------
  const port = () => (chance(0.6) ? pick(COMMON_PORTS) : 1024 + int(64512));
  const services = Array.from({ length: 300 }, (_, k) => {
    const sets = [];
    if (chance(0.7)) sets.push(`set tcp-portrange ${Array.from({ length: 1 + int(3) }, () => (chance(0.8) ? `${port()}` : `${1024 + int(30000)}-${31024 + int(30000)}`)).join(' ')}`);
    if (sets.length === 0 || chance(0.3)) sets.push(`set udp-portrange ${port()}`);
    return { name: `svc-${pick(APPS)}-${k}`, sets };
  });
  const serviceGroups = Array.from({ length: 30 }, (_, k) => ({ name: `svcgrp-${pick(APPS)}-${k}`, members: [...new Set(Array.from({ length: 2 + int(5) }, () => pick(services).name))] }));
  const serviceName = () => (chance(0.3) ? pick(PREDEFINED) : chance(0.1) ? pick(serviceGroups).name : pick(services).name);

  // ---- published servers -------------------------------------------------------------------
  const vips = Array.from({ length: 40 }, (_, k) => {
    const ext = `198.51.100.${10 + k}`;
    const mapped = ip(draw32());
    const sets = [`set extip ${ext}`, `set mappedip ${quote(mapped)}`, 'set extintf "wan1"', 'set srcintf-filter "wan1"'];
    if (chance(0.6)) {
      const p = pick([443, 8443, 25, 993, 22, 3389]);
      sets.push('set portforward enable', `set extport ${p}`, `set mappedport ${chance(0.7) ? p : pick([443, 80, 8080])}`);
    }
    return { name: `vip-${pick(APPS)}-${k}`, sets };
  });

  // ---- header and system -------------------------------------------------------------------
  w('#config-version=FGT600F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin');
  w('#conf_file_ver=5512887214467719');
  w('#buildno=1517');
  w('#global_vdom=1');
  w('config system global');
  for (const s of ['set admin-sport 8443', 'set alias "FGT600F"', 'set hostname "FGT-BENCH"', 'set timezone 28']) w(I + s);
  w('end');
  w('config system interface');
  const iface = (name, sets) => entry(quote(name), ['set vdom "root"', ...sets]);
  iface('wan1', ['set ip 203.0.113.2 255.255.255.0', 'set type physical', 'set role wan', 'set snmp-index 1']);
  iface('dmz', ['set ip 172.16.10.1 255.255.255.0', 'set allowaccess ping', 'set type physical', 'set role dmz', 'set snmp-index 2']);
  iface('internal1', ['set ip 10.10.1.1 255.255.255.0', 'set allowaccess ping', 'set type physical', 'set role lan', 'set snmp-index 3']);
  iface('internal2', ['set ip 10.20.0.1 255.255.255.0', 'set allowaccess ping', 'set type physical', 'set role lan', 'set snmp-index 4']);
  iface('internal3', ['set ip 10.99.0.1 255.255.255.0', 'set allowaccess ping https ssh', 'set type physical', 'set role lan', 'set snmp-index 5']);
  SEGMENTS.forEach((p, k) => iface(p, [`set ip 172.${20 + k}.0.1 255.255.0.0`, 'set allowaccess ping', 'set type physical', 'set role lan', `set snmp-index ${6 + k}`]));
  w('end');
  w('config system zone');
  entry('"inside"', ['set interface "internal2" "internal3"']);
  for (const [zone, members] of Object.entries(ZONES)) entry(quote(zone), [`set interface ${members.map(quote).join(' ')}`]);
  w('end');

  // ---- objects -----------------------------------------------------------------------------
  w('config firewall address');
  entry('"all"', [`set uuid ${uuid()}`]);
  entry('"none"', [`set uuid ${uuid()}`, 'set subnet 0.0.0.0 255.255.255.255']);
  entry('"Lync-Edge-Ext-Pool"', [`set uuid ${uuid()}`, 'set type iprange', 'set start-ip 172.16.10.10', 'set end-ip 172.16.10.11']);
  entry('"Lync-Edge-Int-Pool"', [`set uuid ${uuid()}`, 'set subnet 10.10.1.10 255.255.255.254']);
  entry('"Lync-FE-Pool"', [`set uuid ${uuid()}`, 'set subnet 10.20.0.0 255.255.255.0']);
  for (const a of addresses) entry(quote(a.name), [`set uuid ${uuid()}`, ...a.sets]);
  w('end');
  w('config firewall addrgrp');
  for (const g of groups) entry(quote(g.name), [`set uuid ${uuid()}`, `set member ${g.members.map(quote).join(' ')}`]);
  w('end');
  w('config firewall service custom');
  entry('"SIP-TLS-5061"', ['set tcp-portrange 5061']);
  entry('"XMPP-S2S-5269"', ['set tcp-portrange 5269']);
  entry('"Lync-Edge-Int-TCP"', ['set tcp-portrange 4443 5061 5062 8057 23456']);
  entry('"STUN-UDP-3478"', ['set udp-portrange 3478']);
  for (const s of services) entry(quote(s.name), s.sets);
  w('end');
  w('config firewall service group');
  entry('"Lync-FE-to-Edge"', ['set member "HTTPS" "Lync-Edge-Int-TCP" "STUN-UDP-3478"']);
  for (const g of serviceGroups) entry(quote(g.name), [`set member ${g.members.map(quote).join(' ')}`]);
  w('end');
  w('config firewall vip');
  entry('"VIP-Lync-AE1"', [`set uuid ${uuid()}`, 'set extip 203.0.113.10', 'set mappedip "172.16.10.10"', 'set extintf "wan1"', 'set srcintf-filter "wan1"']);
  entry('"VIP-Lync-AE2"', [`set uuid ${uuid()}`, 'set extip 203.0.113.11', 'set mappedip "172.16.10.11"', 'set extintf "wan1"', 'set srcintf-filter "wan1"']);
  for (const v of vips) entry(quote(v.name), [`set uuid ${uuid()}`, ...v.sets]);
  w('end');
  w('config firewall vipgrp');
  entry('"VIPGRP-Lync-Access-Edge"', [`set uuid ${uuid()}`, 'set interface "wan1"', 'set member "VIP-Lync-AE1" "VIP-Lync-AE2"']);
  w('end');

  // ---- policies ----------------------------------------------------------------------------
  const lync = [
    ['Lync-Federation-in', ['set srcintf "wan1"', 'set dstintf "dmz"', 'set action accept', 'set srcaddr "all"', 'set dstaddr "VIPGRP-Lync-Access-Edge"', 'set schedule "always"', 'set service "SIP-TLS-5061" "XMPP-S2S-5269"', 'set logtraffic all']],
    ['Lync-Remote-Users-in', ['set srcintf "wan1"', 'set dstintf "dmz"', 'set action accept', 'set srcaddr "all"', 'set dstaddr "VIPGRP-Lync-Access-Edge"', 'set schedule "always"', 'set service "HTTPS"', 'set logtraffic all']],
    ['Lync-Edge-out', ['set srcintf "dmz"', 'set dstintf "wan1"', 'set action accept', 'set srcaddr "Lync-Edge-Ext-Pool"', 'set dstaddr "all"', 'set schedule "always"', 'set service "SIP-TLS-5061" "XMPP-S2S-5269"', 'set logtraffic all', 'set nat enable']],
    ['Lync-FE-to-Edge-Int', ['set srcintf "inside"', 'set dstintf "internal1"', 'set action accept', 'set srcaddr "Lync-FE-Pool"', 'set dstaddr "Lync-Edge-Int-Pool"', 'set schedule "always"', 'set service "Lync-FE-to-Edge"', 'set logtraffic all']],
    ['Lync-Edge-Int-to-FE', ['set srcintf "internal1"', 'set dstintf "inside"', 'set action accept', 'set srcaddr "Lync-Edge-Int-Pool"', 'set dstaddr "Lync-FE-Pool"', 'set schedule "always"', 'set service "SIP-TLS-5061"', 'set logtraffic all']],
  ].slice(0, policies);
  const legs = ['inside', ...Object.keys(ZONES), ...SEGMENTS];
  const filler = () => {
    const fromWan = chance(0.15);
    const toWan = !fromWan && chance(0.25);
    const src = fromWan ? 'wan1' : pick(legs);
    let dst = toWan ? 'wan1' : pick(legs);
    if (dst === src) dst = 'dmz';
    const sets = [`set srcintf ${quote(src)}`, `set dstintf ${quote(dst)}`];
    const accept = chance(0.75);
    if (accept) sets.push('set action accept');
    // Most policies name one object (often a group), some two or three.
    const n = () => Array.from({ length: chance(0.65) ? 1 : chance(0.7) ? 2 : 3 }, () => quote(addressName())).join(' ');
    sets.push(`set srcaddr ${fromWan && chance(0.6) ? '"all"' : n()}`);
    sets.push(`set dstaddr ${fromWan && chance(0.5) ? quote(pick(vips).name) : toWan && chance(0.5) ? '"all"' : n()}`);
    if (chance(0.03)) sets.push('set status disable');
    sets.push('set schedule "always"', `set service ${Array.from({ length: 1 + int(3) }, () => quote(serviceName())).join(' ')}`);
    if (accept && chance(0.3)) sets.push('set utm-status enable', 'set ssl-ssh-profile "certificate-inspection"', 'set av-profile "default"');
    sets.push('set logtraffic all');
    if (accept && toWan) sets.push('set nat enable');
    if (chance(0.4)) sets.push(`set comments ${quote(`${pick(APPS)}${int(50)} ${pick(PHRASES)} (CHG-${1000 + int(9000)})`)}`);
    return sets;
  };
  const slots = new Set();
  while (slots.size < lync.length) slots.add(int(policies));
  const lyncAt = [...slots].sort((a, b) => a - b);
  const ids = Array.from({ length: policies }, (_, k) => k + 1);
  for (let k = ids.length - 1; k > 0; k--) {
    if (!chance(0.3)) continue;
    const j = int(k + 1);
    [ids[k], ids[j]] = [ids[j], ids[k]];
  }
  w('config firewall policy');
  let next = 0;
  for (let k = 0; k < policies; k++) {
    const isLync = next < lyncAt.length && lyncAt[next] === k;
    const [name, sets] = isLync ? lync[next++] : [`${pick(APPS)}-${k}`, filler()];
    entry(String(ids[k]), [`set name ${quote(name)}`, `set uuid ${uuid()}`, ...sets]);
  }
  w('end');
  w('config router static');
  entry('1', ['set gateway 203.0.113.1', 'set device "wan1"']);
  w('end');
  return { text: `${out.join('\n')}\n`, profile: PROFILE };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const policies = Number(process.argv[2] ?? 10000);
  const { text, profile } = generateFortigateConfig(policies, Number(process.argv[3] ?? 1));
  process.stdout.write(text);
  if (process.argv[4]) writeFileSync(process.argv[4], `${JSON.stringify(profile, null, 2)}\n`);
}

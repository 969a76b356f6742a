#!/usr/bin/env node
// Deterministic generator of large, realistic `iptables-save` files for `npm run bench`.
//
//   node bench/generate-iptables.mjs 100000 [seed] > file
//   import { generateIptablesSave } from './generate-iptables.mjs';
//
// The output is byte-for-byte what iptables-save v1.8.9 (nf_tables) prints for the ruleset
// (option order, quoting, masked networks, chain order). Only the date in the two header
// lines is made up, and it is fixed, so the same {rules, seed} always gives the same text.
//
// Layout (for the profile fixtures/iptables/network-firewall/edge-audit.json):
//   INPUT    the small host-protection block of fixtures/iptables/network-firewall/compliant.rules
//   FORWARD  RELATED,ESTABLISHED accept first, INVALID drop, one `-j` jump per user chain
//            (by interface pair, some also by source network), a LOG rule, policy DROP
//   20 user chains (LYNC-EXT, LYNC-INT, SEG-01 … SEG-18) holding the bulk of the rules, each
//            ending with `-j RETURN`. LYNC-EXT / LYNC-INT also hold a few rules for the Edge
//            addresses of the profile, at pseudo-random positions among the others.
// Filler rules always carry `-s` and/or `-d` drawn from 10.0.0.0/8 and 172.16.0.0/12 (hosts
// unique), never inside 10.10/16, 10.20/16 or 10.99/16 (Edge internal, Front End, management).

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The date printed in the header lines; fixed so the output is deterministic. */
export const FIXED_DATE = 'Sat Nov 21 20:16:14 2026';

/** A 32-bit number as dotted-quad IPv4 text. */
export const ip = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How libxtables' xtables_save_string prints --comment / --log-prefix values. */
export function saveString(s) {
  if (/^[A-Za-z0-9_-]+$/.test(s)) return s;
  return `"${s.replace(/["'\\]/g, (c) => `\\${c}`)}"`;
}

const IFACES = ['eth0', 'eth1', 'eth2', 'eth3'];
const COMMON_PORTS = [
  22, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 465, 514, 587, 636, 993, 995, 1433, 1521,
  2049, 3306, 3389, 5432, 5900, 6379, 8000, 8080, 8443, 9090, 9200, 9443, 11211, 27017,
];
const COMMON_RANGES = [[1024, 65535], [49152, 65535], [6000, 6063], [8000, 8099], [30000, 32767]];
const EXCLUDED_10_OCTETS = new Set([10, 20, 99]); // Edge internal, Front End, management
const PREFIXES = [16, 20, 22, 23, 24, 24, 24, 24, 25, 26, 27, 28, 28, 29, 30];
const APPS = ['crm', 'erp', 'billing', 'ldap', 'wiki', 'jira', 'git', 'ci', 'backup', 'mon', 'syslog', 'ntp', 'dns', 'smtp', 'vpn', 'hr', 'pos', 'sap', 'sql', 'mq', 'k8s', 'nas', 'print', 'cam'];
const VERBS = ['allow', 'permit', 'block', 'deny', 'temp', 'legacy'];
const PHRASES = [
  'to db cluster', 'from branch office', 'for vendor access', 'until migration done',
  'per audit 2024', "don't remove", 'see "runbook" p.12', 'backup window 01:00-03:00',
  'monitoring (read-only)', 'ops/netsec approved', 'test + staging', 'old DC - decommission',
];

/**
 * Returns the text of an iptables-save file with exactly `rules` `-A` lines.
 * @param {{ rules: number, seed?: number }} opts
 */
export function generateIptablesSave({ rules, seed = 1 }) {
  if (!Number.isInteger(rules) || rules < 0) throw new RangeError(`rules must be a non-negative integer (got ${rules})`);
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n); // 0 … n-1
  const pick = (arr) => arr[int(arr.length)];
  const chance = (p) => rnd() < p;

  // ---- addresses -------------------------------------------------------------------------
  const usedHosts = new Set();
  const draw32 = () => {
    if (chance(0.7)) {
      let o2;
      do o2 = int(256); while (EXCLUDED_10_OCTETS.has(o2));
      return ((10 << 24) | (o2 << 16) | int(65536)) >>> 0;
    }
    return ((172 << 24) | ((16 + int(16)) << 16) | int(65536)) >>> 0;
  };
  const host = () => {
    for (;;) {
      const n = draw32();
      const last = n & 255;
      if (last === 0 || last === 255 || usedHosts.has(n)) continue;
      usedHosts.add(n);
      return `${ip(n)}/32`;
    }
  };
  const subnet = () => {
    const len = pick(PREFIXES);
    const mask = (0xffffffff << (32 - len)) >>> 0;
    return `${ip((draw32() & mask) >>> 0)}/${len}`; // iptables-save prints the masked network
  };
  const addr = () => (chance(0.65) ? host() : subnet());

  // ---- rule pieces -----------------------------------------------------------------------
  const port = () => (chance(0.6) ? pick(COMMON_PORTS) : 1024 + int(64512));
  const portMatch = (proto) => {
    const r = rnd();
    if (r < 0.6) return ` -m ${proto} --dport ${port()}`;
    if (r < 0.75) {
      if (chance(0.4)) { const [a, b] = pick(COMMON_RANGES); return ` -m ${proto} --dport ${a}:${b}`; }
      const a = 1024 + int(60000);
      return ` -m ${proto} --dport ${a}:${a + 1 + int(4000)}`;
    }
    const set = new Set();
    const count = 2 + int(5);
    while (set.size < count) set.add(port());
    return ` -m multiport --dports ${[...set].sort((x, y) => x - y).join(',')}`;
  };
  const comment = (chain) => {
    const r = rnd();
    let text;
    if (r < 0.2) text = `CHG-${1000 + int(9000)}`;
    else if (r < 0.35) text = `${pick(APPS)}_${pick(APPS)}${int(100)}`;
    else if (r < 0.8) text = `${pick(VERBS)} ${pick(APPS)}${int(50)} ${pick(PHRASES)}`;
    else text = `${chain}: ${pick(VERBS)} ${pick(APPS)} (ticket ${10000 + int(90000)})`;
    return ` -m comment --comment ${saveString(text)}`;
  };

  /** One filler rule in option order: -s -d -i -o -p, matches as loaded, -j target [options]. */
  const fillerRule = (chain) => {
    let s = `-A ${chain}`;
    const r = rnd();
    if (r < 0.25) s += ` -s ${addr()}`;
    else if (r < 0.5) s += ` -d ${addr()}`;
    else s += ` -s ${addr()} -d ${addr()}`;
    if (chance(0.15)) s += ` -i ${pick(IFACES)}`;
    if (chance(0.15)) s += ` -o ${pick(IFACES)}`;
    const p = rnd();
    const proto = p < 0.65 ? 'tcp' : p < 0.85 ? 'udp' : p < 0.9 ? 'icmp' : '';
    if (proto) s += ` -p ${proto}`;
    if (proto === 'tcp' || proto === 'udp') s += portMatch(proto);
    else if (proto === 'icmp') s += ` -m icmp --icmp-type ${pick([8, 8, 0, 11])}`;
    if (chance(0.3)) s += ' -m conntrack --ctstate NEW';
    const t = rnd();
    const target = t < 0.62 ? 'ACCEPT' : t < 0.8 ? 'DROP' : t < 0.92 ? 'REJECT' : 'LOG';
    if (target === 'LOG' && chance(0.5)) s += ` -m limit --limit ${pick([5, 10, 30])}/min`;
    if (chance(0.5)) s += comment(chain);
    if (target === 'REJECT') s += ` -j REJECT --reject-with ${proto === 'tcp' && chance(0.2) ? 'tcp-reset' : 'icmp-port-unreachable'}`;
    else if (target === 'LOG') s += ` -j LOG --log-prefix ${saveString(`${chain} ${pick(['deny', 'drop', 'audit'])}: `)}`;
    else s += ` -j ${target}`;
    return s;
  };

  // ---- fixed parts -----------------------------------------------------------------------
  const input = [
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -d 127.0.0.0/8 ! -i lo -j DROP',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -s 10.99.0.0/24 -i eth3 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m comment --comment mgmt-ssh -j ACCEPT',
    '-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec -j ACCEPT',
    '-A INPUT -m limit --limit 5/min -j LOG --log-prefix "IN-DROP: "',
  ];
  const segChains = Array.from({ length: 18 }, (_, i) => `SEG-${String(i + 1).padStart(2, '0')}`);
  const userChains = ['LYNC-EXT', 'LYNC-INT', ...segChains]; // already in iptables-save (sorted) order

  const forward = [
    '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A FORWARD -i eth0 -o eth1 -j LYNC-EXT',
    '-A FORWARD -i eth1 -o eth0 -j LYNC-EXT',
    '-A FORWARD -i eth3 -o eth2 -j LYNC-INT',
    '-A FORWARD -i eth2 -o eth3 -j LYNC-INT',
  ];
  for (const chain of segChains) {
    const jumps = chance(0.3) ? 2 : 1;
    for (let j = 0; j < jumps; j++) {
      const i = int(4);
      const o = (i + 1 + int(3)) % 4; // a different leg
      forward.push(`-A FORWARD${chance(0.4) ? ` -s ${subnet()}` : ''} -i ${IFACES[i]} -o ${IFACES[o]} -j ${chain}`);
    }
  }
  forward.push('-A FORWARD -m limit --limit 5/min -j LOG --log-prefix "FWD-DROP: "');

  const edge = {
    'LYNC-EXT': [
      '-A LYNC-EXT -d 203.0.113.10/31 -i eth0 -o eth1 -p tcp -m tcp --dport 5269 -m comment --comment "XMPP federation in" -j ACCEPT',
      '-A LYNC-EXT -d 203.0.113.10/31 -i eth0 -o eth1 -p tcp -m tcp --dport 5061 -m comment --comment "SIP federation in" -j ACCEPT',
      '-A LYNC-EXT -d 203.0.113.10/31 -i eth0 -o eth1 -p tcp -m tcp --dport 443 -m comment --comment "Remote users + federation TLS to \\"Access Edge\\" pool" -j ACCEPT',
    ],
    'LYNC-INT': [
      '-A LYNC-INT -s 10.20.0.0/24 -d 10.10.1.10/31 -i eth3 -o eth2 -p tcp -m tcp --dport 23456 -m comment --comment "XMPP gateway to Edge internal" -j ACCEPT',
    ],
  };

  const fixed = input.length + forward.length + userChains.length /* RETURNs */ + edge['LYNC-EXT'].length + edge['LYNC-INT'].length;
  if (rules < fixed) throw new RangeError(`rules must be at least ${fixed} (the fixed part of the layout) (got ${rules})`);

  // ---- spread the filler over the user chains (roughly even, PRNG-weighted) ---------------
  const weights = userChains.map(() => 0.5 + rnd());
  const total = weights.reduce((a, b) => a + b, 0);
  const filler = rules - fixed;
  const counts = weights.map((w) => Math.floor((filler * w) / total));
  for (let k = filler - counts.reduce((a, b) => a + b, 0), c = 0; k > 0; k--, c = (c + 1) % counts.length) counts[c]++;

  const out = [
    `# Generated by iptables-save v1.8.9 (nf_tables) on ${FIXED_DATE}`,
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...userChains.map((c) => `:${c} - [0:0]`),
    ...input,
    ...forward,
  ];
  userChains.forEach((chain, ci) => {
    const n = counts[ci];
    const special = edge[chain] ?? [];
    // positions (0 … n) before which each Edge rule goes, kept in their listed order
    const at = special.map(() => int(n + 1)).sort((a, b) => a - b);
    let e = 0;
    for (let k = 0; k < n; k++) {
      while (e < special.length && at[e] === k) out.push(special[e++]);
      out.push(fillerRule(chain));
    }
    while (e < special.length) out.push(special[e++]);
    out.push(`-A ${chain} -j RETURN`);
  });
  out.push('COMMIT', `# Completed on ${FIXED_DATE}`, '');
  return out.join('\n');
}

const isMain = (() => {
  try { return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url); } catch { return false; }
})();

if (isMain) {
  const [rulesArg, seedArg] = process.argv.slice(2);
  const rules = Number(rulesArg ?? 100000);
  const seed = Number(seedArg ?? 1);
  if (!Number.isInteger(rules) || rules < 0 || !Number.isInteger(seed)) {
    process.stderr.write('usage: node bench/generate-iptables.mjs [rules=100000] [seed=1] > file\n');
    process.exit(2);
  }
  process.stdout.write(generateIptablesSave({ rules, seed }));
}

#!/usr/bin/env node
// Deterministic generator of large Windows Firewall exports of a Skype for Business Edge, for benchmarks.
//
//   node bench/generate-windows.mjs 100000 [seed] [reg|text] > file      (.reg is written UTF-16LE with BOM)
//   import { generateWindowsRules } from './generate-windows.mjs';
//   const { text, profile } = generateWindowsRules(100000, 1);            // text: the .reg file as a string
//
// Formats, as fixtures/windows/README.md describes them:
//   reg   a `reg export` of HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy: the three
//         profiles (firewall on, inbound and outbound Block) and `FirewallRules` with exactly `rules` values
//   text  the same rule strings, one per line (no profile settings: Windows' defaults hold)
// `profile` is the site profile to audit it with (write it as edge-audit.json beside the file): the host of
// fixtures/windows/edge-audit.json, Public profile, LocalSubnet defined.
//
// Layout: the eight Skype for Business rules of fixtures/windows/edge-compliant.reg at pseudo-random positions
// among filler rules. Filler rules are what a busy host firewall collects: allow and some block rules for
// management, monitoring and application ports, from hosts in 10.0.0.0/8 and 172.16.0.0/12 (never 10.10/16,
// 10.20/16 or 10.99/16: Edge internal, Front End, management) to the internal NIC 10.10.1.10, with port lists and
// ranges, program and service scopes, several profiles, ICMP rules and disabled rules. They never name a port that
// Lync uses only internally, so the audit's findings come from the Edge rules alone.

import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ip, mulberry32 } from './generate-iptables.mjs';

const ROOT = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
const EDGE_RULES = [
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=443|LPort=5061|LPort=5269|LA4=203.0.113.10|Name=Skype for Business Edge - Access Edge (TCP-In)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|Profile=Public|RPort=5061|RPort=5269|LA4=203.0.113.10|Name=Skype for Business Edge - Federation (TCP-Out)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=443|LPort=4443|LPort=5061|LPort=5062|LPort=8057|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=Skype for Business Edge - Front End pool (TCP-In)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=23456|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=Skype for Business Edge - XMPP gateway (TCP-In)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=17|Profile=Public|LPort=3478|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=Skype for Business Edge - A/V STUN from Front End (UDP-In)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|Profile=Public|RPort=5061|LA4=10.10.1.10|RA4=10.20.0.0/24|Name=Skype for Business Edge - SIP to Front End pool (TCP-Out)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|Profile=Public|RPort=53|Name=DNS (TCP-Out)|',
  'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=1|Profile=Public|ICMP4=8:*|RA4=LocalSubnet|Name=Ping from the Edge subnets (ICMPv4-In)|',
];

/** The site profile of the Windows fixtures: the generated Edge rules use the same addresses. */
export const PROFILE = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'windows', 'edge-audit.json'), 'utf8'));

const PORTS = [22, 25, 53, 80, 123, 135, 161, 389, 445, 636, 1433, 3306, 3389, 5432, 5985, 5986, 8080, 8443, 9090, 9100, 10050, 10051];
const RANGES = [[1024, 2047], [6000, 6063], [8000, 8099], [30000, 32767], [49152, 49407]];
const EXCLUDED_10_OCTETS = new Set([10, 20, 99]);
const PREFIXES = [16, 20, 22, 24, 24, 24, 26, 27, 28, 29, 30, 32, 32];
const APPS = ['%ProgramFiles%\\Zabbix Agent\\zabbix_agentd.exe', '%ProgramFiles%\\Veeam\\Backup\\VeeamAgent.exe', '%SystemRoot%\\system32\\svchost.exe', 'System', '%ProgramFiles%\\Splunk\\bin\\splunkd.exe'];
const SERVICES = ['WinRM', 'W32Time', 'SNMP', 'TermService', 'RemoteRegistry', 'EventLog'];
const WORDS = ['Monitoring', 'Backup', 'Management', 'Inventory', 'Logging', 'Patch', 'Agent', 'Legacy', 'Vendor', 'Audit'];

/**
 * @param {number} rules  the number of rule strings (the eight Edge rules included; at least 8)
 * @param {number} [seed]
 * @param {'reg' | 'text'} [format]
 * @returns {{ text: string, profile: typeof PROFILE }}
 */
export function generateWindowsRules(rules, seed = 1, format = 'reg') {
  if (!Number.isInteger(rules) || rules < EDGE_RULES.length) throw new RangeError(`rules must be an integer of at least ${EDGE_RULES.length} (got ${rules})`);
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (arr) => arr[int(arr.length)];
  const chance = (p) => rnd() < p;

  const network = () => {
    const len = pick(PREFIXES);
    let base;
    if (chance(0.7)) {
      let o2;
      do o2 = int(256); while (EXCLUDED_10_OCTETS.has(o2));
      base = ((10 << 24) | (o2 << 16) | int(65536)) >>> 0;
    } else {
      base = ((172 << 24) | ((16 + int(16)) << 16) | int(65536)) >>> 0;
    }
    const masked = len === 32 ? base : (base & (~0 << (32 - len))) >>> 0;
    return len === 32 ? ip(masked) : `${ip(masked)}/${len}`;
  };
  const ports = (key) => {
    const n = 1 + int(chance(0.8) ? 1 : 4);
    return Array.from({ length: n }, () => {
      if (chance(0.15)) {
        const [lo, hi] = pick(RANGES);
        return `${key}=${lo}-${hi}`;
      }
      return `${key}=${pick(PORTS)}`;
    });
  };
  const profiles = () => (chance(0.6) ? ['Profile=Public'] : chance(0.5) ? ['Profile=Private', 'Profile=Public'] : chance(0.5) ? [] : ['Profile=Domain']);

  const filler = (k) => {
    const inbound = chance(0.75);
    const block = chance(0.08);
    const fields = [`Action=${block ? 'Block' : 'Allow'}`, `Active=${chance(0.1) ? 'FALSE' : 'TRUE'}`, `Dir=${inbound ? 'In' : 'Out'}`];
    const icmp = chance(0.04);
    fields.push(`Protocol=${icmp ? 1 : chance(0.8) ? 6 : 17}`, ...profiles());
    if (icmp) fields.push(`ICMP4=${pick(['8:*', '0:*', '3:4', '11:*'])}`);
    else fields.push(...ports(inbound ? 'LPort' : 'RPort'));
    fields.push('LA4=10.10.1.10', ...Array.from({ length: 1 + int(chance(0.7) ? 1 : 3) }, () => `RA4=${network()}`));
    if (chance(0.4)) fields.push(`App=${pick(APPS)}`);
    if (chance(0.2)) fields.push(`Svc=${pick(SERVICES)}`);
    fields.push(`Name=${pick(WORDS)} ${pick(WORDS)} ${k} (${inbound ? 'In' : 'Out'})`);
    if (chance(0.3)) fields.push(`Desc=${pick(WORDS)} rule ${k}, see change ${1000 + int(9000)}`);
    return `v2.26|${fields.join('|')}|`;
  };

  const fillers = rules - EDGE_RULES.length;
  // Each Edge rule goes before the filler rule at its drawn position (or after the last); two may share one.
  const placed = EDGE_RULES.map((rule) => ({ at: int(fillers + 1), rule }));
  const strings = [];
  for (let k = 0; k <= fillers; k++) {
    for (const p of placed) if (p.at === k) strings.push(p.rule);
    if (k < fillers) strings.push(filler(k + 1));
  }

  if (format === 'text') return { text: `${strings.join('\r\n')}\r\n`, profile: PROFILE };
  const guid = (k) => {
    const h = (n, w) => ((Math.imul(k + 1, n) >>> 0) % 16 ** w).toString(16).toUpperCase().padStart(w, '0');
    return `{${h(2654435761, 8)}-${h(40503, 4)}-4${h(2246822519, 3)}-A${h(3266489917, 3)}-${h(668265263, 8)}${h(374761393, 4)}}`;
  };
  const esc = (s) => s.replace(/[\\"]/g, (c) => `\\${c}`);
  const profileKey = (name) => [`[${ROOT}\\${name}]`, '"EnableFirewall"=dword:00000001', '"DefaultInboundAction"=dword:00000001', '"DefaultOutboundAction"=dword:00000001', ''];
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    `[${ROOT}]`,
    '',
    ...profileKey('DomainProfile'),
    `[${ROOT}\\FirewallRules]`,
    ...strings.map((r, k) => `"${guid(k)}"="${esc(r)}"`),
    '',
    ...profileKey('PublicProfile'),
    ...profileKey('StandardProfile'),
  ];
  return { text: `${lines.join('\r\n')}\r\n`, profile: PROFILE };
}

/** The bytes of a generated export: .reg as regedit writes it (UTF-16LE with BOM), text as UTF-8. */
export function exportBytes(text, format = 'reg') {
  return format === 'reg' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, 'utf8');
}

const isMain = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  const [n, seed, format = 'reg'] = process.argv.slice(2);
  if (!n || !['reg', 'text'].includes(format)) {
    process.stderr.write('usage: node bench/generate-windows.mjs <rules> [seed] [reg|text] > file\n');
    process.exit(2);
  }
  process.stdout.write(exportBytes(generateWindowsRules(Number(n), Number(seed ?? 1), format).text, format));
}

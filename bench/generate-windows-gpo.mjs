#!/usr/bin/env node
// Writer of GPO report XML (`Get-GPOReport -ReportType Xml`) and a deterministic generator of large ones for
// benchmarks.
//
//   node bench/generate-windows-gpo.mjs 100000 out.xml [seed]     (also writes edge-audit.json beside out.xml)
//   import { generateGpoReport, gpoReportXml, utf16le } from './generate-windows-gpo.mjs';
//
// The layout is that of the reports Windows writes (compare ../shared/corpus/windows/gporeport_*.xml): UTF-16LE
// with a BOM, `<?xml version="1.0" encoding="utf-16"?>`, CRLF line ends, two-space indentation, no line end after
// `</GPO>`; the firewall settings in an Extension whose namespace prefix is q1, the profiles in the order Domain,
// Public, Private with their settings in alphabetical order, each rule's keys in the order the reports use.
//
// generateGpoReport: the Edge server of fixtures/windows/edge-host (Access Edge 203.0.113.10, internal interface
// 10.10.1.10, Front End pool 10.20.0.0/24) with its Lync rules at pseudo-random positions among filler rules.
// Filler rules are bound to local addresses in 172.16.0.0/12 (other interfaces of the host), so they never decide
// an Edge flow; their remote addresses, ports, programs, profiles and states vary as in real policies.

import { realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDGE_RULES, PROFILES, SITE_PROFILE } from '../fixtures/windows/edge-host/edge-server.mjs';
import { mulberry32 } from './generate-iptables.mjs';

const SETTINGS_NS = 'http://www.microsoft.com/GroupPolicy/Settings';
const TYPES_NS = 'http://www.microsoft.com/GroupPolicy/Types';
const SECURITY_NS = 'http://www.microsoft.com/GroupPolicy/Types/Security';
const FIREWALL_NS = 'http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall';

/** The order in which a report writes a rule's keys. */
const KEY_ORDER = ['Version', 'Action', 'Name', 'Dir', 'App', 'Svc', 'Profile', 'LA4', 'LA6', 'RA4', 'RA6', 'LPort', 'RPort', 'Protocol', 'ICMP4', 'ICMP6', 'Desc', 'Active', 'Edge', 'EmbedCtxt'];

function escapeXml(text) {
  return String(text).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
}

const PROTOCOL_NUMBERS = { TCP: 6, UDP: 17, ICMPv4: 1, ICMPv6: 58 };

/** `10.20.0.0/24` → `10.20.0.0/255.255.255.0`, the way rule strings and the report write an IPv4 subnet. */
export function maskForm(address) {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(address);
  if (!m) return address;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${m[1]}/${[24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.')}`;
}

const isV6 = (address) => address.includes(':');

/**
 * A rule (in the neutral form of fixtures/windows/edge-host/edge-server.mjs) as the report writes it:
 * `{ dir: 'In' | 'Out', keys: [[key, value], …] }`, lists as repeated keys, keys in report order.
 */
export function gpoRule(rule) {
  const icmpKey = rule.protocol === 'ICMPv6' ? 'ICMP6' : 'ICMP4';
  const keys = {
    Version: ['2.30'],
    Action: [rule.action],
    Name: [rule.name],
    Dir: [rule.dir],
    App: rule.program ? [rule.program] : [],
    Svc: rule.service ? [rule.service] : [],
    Profile: rule.profiles ?? [],
    LA4: rule.localAddresses.filter((a) => !isV6(a)).map(maskForm),
    LA6: rule.localAddresses.filter(isV6),
    RA4: rule.remoteAddresses.filter((a) => !isV6(a)).map(maskForm),
    RA6: rule.remoteAddresses.filter(isV6),
    LPort: rule.localPorts,
    RPort: rule.remotePorts,
    Protocol: rule.protocol ? [String(PROTOCOL_NUMBERS[rule.protocol] ?? rule.protocol)] : [],
    [icmpKey]: rule.icmpTypes,
    Desc: rule.description ? [rule.description] : [],
    Active: [rule.enabled ? 'true' : 'false'],
  };
  return { dir: rule.dir, keys: KEY_ORDER.flatMap((k) => (keys[k] ?? []).map((v) => [k, v])) };
}

/** Profile settings as the report writes them: booleans, true = Block for the default actions. */
export function gpoProfiles(profiles) {
  return Object.fromEntries(
    Object.entries(profiles).map(([name, p]) => [name, { DefaultInboundAction: String(p.inbound === 'Block'), DefaultOutboundAction: String(p.outbound === 'Block'), EnableFirewall: String(p.enabled) }]),
  );
}

/**
 * The report's text. `profiles`: { Domain|Private|Public: { DefaultInboundAction, DefaultOutboundAction,
 * EnableFirewall } } with booleans as the report writes them (true = Block for the default actions).
 */
export function gpoReportXml({ name, domain, guid, created, modified, read, profiles = {}, rules }) {
  const lines = [];
  const add = (indent, text) => lines.push(`${'  '.repeat(indent)}${text}`);
  add(0, '<?xml version="1.0" encoding="utf-16"?>');
  add(0, `<GPO xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${SETTINGS_NS}">`);
  add(1, '<Identifier>');
  add(2, `<Identifier xmlns="${TYPES_NS}">{${guid}}</Identifier>`);
  add(2, `<Domain xmlns="${TYPES_NS}">${domain}</Domain>`);
  add(1, '</Identifier>');
  add(1, `<Name>${escapeXml(name)}</Name>`);
  add(1, '<IncludeComments>true</IncludeComments>');
  add(1, `<CreatedTime>${created}</CreatedTime>`);
  add(1, `<ModifiedTime>${modified}</ModifiedTime>`);
  add(1, `<ReadTime>${read}</ReadTime>`);
  securityDescriptor(add, domain);
  add(1, '<FilterDataAvailable>true</FilterDataAvailable>');
  add(1, '<Computer>');
  add(2, '<VersionDirectory>7</VersionDirectory>');
  add(2, '<VersionSysvol>7</VersionSysvol>');
  add(2, '<Enabled>true</Enabled>');
  add(2, '<ExtensionData>');
  add(3, `<Extension xmlns:q1="${FIREWALL_NS}" xsi:type="q1:WindowsFirewallSettings">`);
  add(4, '<q1:GlobalSettings>');
  add(5, '<q1:PolicyVersion>');
  add(6, '<q1:Value>542</q1:Value>');
  add(5, '</q1:PolicyVersion>');
  add(4, '</q1:GlobalSettings>');
  for (const profile of ['Domain', 'Public', 'Private']) {
    const settings = profiles[profile];
    if (!settings) continue;
    add(4, `<q1:${profile}Profile>`);
    for (const key of Object.keys(settings).sort()) {
      add(5, `<q1:${key}>`);
      add(6, `<q1:Value>${settings[key]}</q1:Value>`);
      add(5, `</q1:${key}>`);
    }
    add(4, `</q1:${profile}Profile>`);
  }
  for (const rule of rules) {
    const element = `q1:${rule.dir === 'In' ? 'Inbound' : 'Outbound'}FirewallRules`;
    add(4, `<${element}>`);
    for (const [key, value] of rule.keys) add(5, `<q1:${key}>${escapeXml(value)}</q1:${key}>`);
    add(4, `</${element}>`);
  }
  add(3, '</Extension>');
  add(3, '<Name>Windows Firewall</Name>');
  add(2, '</ExtensionData>');
  add(1, '</Computer>');
  add(1, '<User>');
  add(2, '<VersionDirectory>0</VersionDirectory>');
  add(2, '<VersionSysvol>0</VersionSysvol>');
  add(2, '<Enabled>true</Enabled>');
  add(1, '</User>');
  add(1, '<LinksTo>');
  add(2, '<SOMName>Edge Servers</SOMName>');
  add(2, `<SOMPath>${domain}/Edge Servers</SOMPath>`);
  add(2, '<Enabled>true</Enabled>');
  add(2, '<NoOverride>false</NoOverride>');
  add(1, '</LinksTo>');
  add(0, '</GPO>');
  return lines.join('\r\n');
}

const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';

function securityDescriptor(add, domain) {
  const netbios = domain.split('.')[0].toUpperCase();
  const trustee = (sid, name, access) => {
    add(3, '<TrusteePermissions>');
    add(4, '<Trustee>');
    add(5, `<SID xmlns="${TYPES_NS}">${sid}</SID>`);
    add(5, `<Name xmlns="${TYPES_NS}">${name}</Name>`);
    add(4, '</Trustee>');
    add(4, '<Type xsi:type="PermissionType">');
    add(5, '<PermissionType>Allow</PermissionType>');
    add(4, '</Type>');
    add(4, '<Inherited>false</Inherited>');
    add(4, '<Applicability>');
    add(5, '<ToSelf>true</ToSelf>');
    add(5, '<ToDescendantObjects>false</ToDescendantObjects>');
    add(5, '<ToDescendantContainers>true</ToDescendantContainers>');
    add(5, '<ToDirectDescendantsOnly>false</ToDirectDescendantsOnly>');
    add(4, '</Applicability>');
    add(4, '<Standard>');
    add(5, `<GPOGroupedAccessEnum>${access}</GPOGroupedAccessEnum>`);
    add(4, '</Standard>');
    add(4, '<AccessMask>0</AccessMask>');
    add(3, '</TrusteePermissions>');
  };
  add(1, '<SecurityDescriptor>');
  add(2, `<SDDL xmlns="${SECURITY_NS}">O:DAG:DAD:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;${DOMAIN_SID}-519)(A;CI;LCRPLORC;;;ED)(A;CI;LCRPLORC;;;AU)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)S:AI(OU;CIIDSA;WPWD;;f30e3bc2-9ff0-11d1-b603-0000f80367c1;WD)</SDDL>`);
  for (const element of ['Owner', 'Group']) {
    add(2, `<${element} xmlns="${SECURITY_NS}">`);
    add(3, `<SID xmlns="${TYPES_NS}">${DOMAIN_SID}-512</SID>`);
    add(3, `<Name xmlns="${TYPES_NS}">${netbios}\\Domain Admins</Name>`);
    add(2, `</${element}>`);
  }
  add(2, `<PermissionsPresent xmlns="${SECURITY_NS}">true</PermissionsPresent>`);
  add(2, `<Permissions xmlns="${SECURITY_NS}">`);
  add(3, '<InheritsFromParent>false</InheritsFromParent>');
  trustee(`${DOMAIN_SID}-512`, `${netbios}\\Domain Admins`, 'Edit, delete, modify security');
  trustee(`${DOMAIN_SID}-519`, `${netbios}\\Enterprise Admins`, 'Edit, delete, modify security');
  trustee('S-1-5-11', 'NT AUTHORITY\\Authenticated Users', 'Apply Group Policy');
  trustee('S-1-5-18', 'NT AUTHORITY\\SYSTEM', 'Edit, delete, modify security');
  add(2, '</Permissions>');
  add(2, `<AuditingPresent xmlns="${SECURITY_NS}">false</AuditingPresent>`);
  add(1, '</SecurityDescriptor>');
}

/** The bytes Windows writes: a UTF-16LE byte order mark, then the text in UTF-16LE. */
export function utf16le(text) {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

const PORTS = [22, 25, 53, 80, 88, 123, 135, 389, 445, 636, 1433, 3268, 3389, 5985, 5986, 8080, 8443, 9389];
const APPS = ['%SystemRoot%\\System32\\svchost.exe', '%ProgramFiles%\\Contoso\\Agent\\agent.exe', 'System', '%SystemRoot%\\System32\\lsass.exe', '%ProgramFiles%\\Backup\\bkp.exe'];
const PROFILE_SETS = [[], [], ['Domain'], ['Private', 'Public'], ['Public']];

/** `rules` rules (the Edge's six among them), deterministic for a seed. Returns the UTF-16LE bytes and the site profile. */
export function generateGpoReport(rules, seed = 1) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const octet = () => 1 + Math.floor(random() * 254);
  const out = [];
  for (let k = 0; k < rules - EDGE_RULES.length; k++) {
    const dir = random() < 0.7 ? 'In' : 'Out';
    const protocol = random() < 0.75 ? 'TCP' : 'UDP';
    const ports = random() < 0.15 ? [`${1024 + Math.floor(random() * 30000)}-${40000 + Math.floor(random() * 20000)}`] : [String(pick(PORTS))];
    const remote = random() < 0.7 ? [random() < 0.5 ? `10.${30 + Math.floor(random() * 60)}.${octet()}.${octet()}` : `172.${16 + Math.floor(random() * 16)}.${octet()}.0/24`] : random() < 0.5 ? ['LocalSubnet'] : [];
    out.push(
      gpoRule({
        name: `${dir === 'In' ? 'Inbound' : 'Outbound'} ${protocol} ${ports[0]} rule ${k}`,
        action: random() < 0.9 ? 'Allow' : 'Block',
        dir,
        protocol,
        program: random() < 0.4 ? pick(APPS) : undefined,
        profiles: pick(PROFILE_SETS),
        localAddresses: [`172.${16 + Math.floor(random() * 16)}.${octet()}.${octet()}`],
        remoteAddresses: remote,
        localPorts: dir === 'In' ? ports : [],
        remotePorts: dir === 'Out' ? ports : [],
        icmpTypes: [],
        enabled: random() < 0.95,
      }),
    );
  }
  for (const edge of EDGE_RULES) out.splice(Math.floor(random() * (out.length + 1)), 0, gpoRule(edge));
  const text = gpoReportXml({
    name: `Edge Firewall (generated, ${rules} rules)`,
    domain: 'perimeter.example',
    guid: '6F1C2B9E-4A7D-4E3B-9C55-0D2E7A8B1F04',
    created: '2026-11-02T09:14:27',
    modified: '2026-11-20T16:41:03',
    read: '2026-11-21T08:05:12.4471932Z',
    profiles: gpoProfiles(PROFILES),
    rules: out,
  });
  return { bytes: utf16le(text), profile: SITE_PROFILE };
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const [count, file, seed] = process.argv.slice(2);
  if (!count || !file) {
    process.stderr.write('usage: node bench/generate-windows-gpo.mjs <rules> <out.xml> [seed]\n');
    process.exit(2);
  }
  const { bytes, profile } = generateGpoReport(Number(count), Number(seed ?? 1));
  writeFileSync(file, bytes);
  writeFileSync(join(dirname(file), 'edge-audit.json'), `${JSON.stringify(profile, null, 2)}\n`);
}

/**
 * Audits Windows Firewall exports in-process as `edge-audit check` does: the site profile's address keywords go
 * to the parser, and its firewallProfile (or the one given) picks the device.
 */
import { auditDevice, type InputAudit } from '../../src/audit/audit.js';
import { AddressSet } from '../../src/model/address-set.js';
import type { Device } from '../../src/model/rule-graph.js';
import { loadPacks } from '../../src/policy/load-packs.js';
import type { LoadedProfile, SiteProfile } from '../../src/profile/site-profile.js';
import type { ExportFile } from '../../parsers/index.js';
import { windowsParser } from '../../parsers/windows/index.js';

const packs = loadPacks();

/** A profile as loadProfile returns it, from an object written in the test. */
export function loadedProfile(profile: SiteProfile, file = 'edge-audit.json'): LoadedProfile {
  const parse = (o: Readonly<Record<string, readonly string[]>> | undefined) => new Map(Object.entries(o ?? {}).map(([k, v]) => [k, AddressSet.parseAll(v)]));
  return { file, profile, roles: parse(profile.roles), addressKeywords: parse(profile.addressKeywords) };
}

/** The devices of an export, with the profile's address keywords. */
export function windowsDevices(input: ExportFile, profile: LoadedProfile | undefined): Device[] {
  return windowsParser.parse(input, profile?.addressKeywords ? { addressKeywords: profile.addressKeywords } : {});
}

/** The audit of one firewall profile of an export (default: the site profile's firewallProfile). */
export function auditWindows(input: ExportFile, profile: LoadedProfile | undefined, profileName: string | undefined = profile?.profile.firewallProfile): InputAudit {
  const devices = windowsDevices(input, profile);
  const device = devices.find((d) => d.partition?.name === profileName) ?? devices[0]!;
  return auditDevice(device, profile, packs);
}

/** A .reg export (as text) of the local store with the given profile values and rule strings. */
export function regExport(profiles: Readonly<Record<string, Readonly<Record<string, number>>>>, rules: readonly string[]): string {
  const root = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';
  const lines = ['Windows Registry Editor Version 5.00', ''];
  lines.push(`[${root}\\FirewallRules]`, ...rules.map((r, k) => `"{RULE-${k + 1}}"="${r.replace(/\\/g, '\\\\')}"`), '');
  for (const [key, values] of Object.entries(profiles)) {
    lines.push(`[${root}\\${key}]`, ...Object.entries(values).map(([name, n]) => `"${name}"=dword:${n.toString(16).padStart(8, '0')}`), '');
  }
  return lines.join('\r\n');
}

export const EDGE_HOST: SiteProfile = {
  deviceRole: 'edge-host',
  roles: { 'access-edge': ['203.0.113.10'], 'edge-internal': ['10.10.1.10'], 'front-end': ['10.20.0.0/24'] },
  features: { xmppFederation: true, sipFederation: true, publicIm: false, remoteUsers: true },
};

/**
 * What the registry-based exports have in common (registry.pol, .reg, .wfw hives): the firewall's registry values
 * → the vendor model. Rules are the REG_SZ values under `FirewallRules`; profile settings the DWORDs under
 * `DomainProfile`, `PrivateProfile`, `PublicProfile` and `StandardProfile`.
 *
 * Two stores use these keys ([MS-GPFAS] 2.2; [MS-FASP] 3.1.1): Group Policy under
 * `SOFTWARE\Policies\Microsoft\WindowsFirewall`, and the host's local store under
 * `SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy` (also the root of a `.wfw` hive).
 * Policy settings win over local ones; rules from both apply.
 */
import { ParseError } from '../parse-error.js';
import type { SourceRef, WindowsPolicy, WindowsProfileName, WindowsProfileSettings, WindowsRule } from './model.js';
import { parseRuleString, RuleStringError } from './rule-string.js';
import { keywords } from '../../src/model/keywords.js';

export type Store = 'policy' | 'local';

export const REG_SZ = 1;
export const REG_EXPAND_SZ = 2;
export const REG_DWORD = 4;

/** One registry value of the firewall's keys, as a reader found it. */
export interface RegistryValue {
  readonly store: Store;
  /** The key below the store's root, `\`-separated, as the export spells it; '' = the root itself. */
  readonly path: string;
  /** The value name ('' = the key's default value). */
  readonly name: string;
  readonly type: number;
  /** Strings for REG_SZ / REG_EXPAND_SZ, numbers for REG_DWORD; undefined for types no firewall setting uses. */
  readonly data: string | number | undefined;
  readonly source: SourceRef;
}

const REG_DWORD_BIG_ENDIAN = 5;
const TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'REG_NONE', 1: 'REG_SZ', 2: 'REG_EXPAND_SZ', 3: 'REG_BINARY', 4: 'REG_DWORD', 5: 'REG_DWORD_BIG_ENDIAN', 7: 'REG_MULTI_SZ', 11: 'REG_QWORD' };

/**
 * A value read from a binary export (registry.pol record, hive value): its data decoded, and as source text the
 * rule string itself for a rule, else `key\value = data (type)`, the way a reviewer finds it in a registry editor.
 */
export function registryValue(store: Store, path: string, name: string, type: number, raw: Buffer, line: number): RegistryValue {
  const data = decodeData(type, raw);
  const isRule = typeof data === 'string' && /(^|\\)firewallrules$/i.test(path);
  const text = isRule ? data : `${path === '' ? '' : `${path}\\`}${name} = ${data ?? `${raw.length} bytes`} (${TYPE_NAMES[type] ?? `type ${type}`})`;
  return { store, path, name, type, data, source: { line, text } };
}

function decodeData(type: number, raw: Buffer): string | number | undefined {
  if (type === REG_SZ || type === REG_EXPAND_SZ) return raw.toString('utf16le').replace(/\0+$/, '');
  if (type === REG_DWORD && raw.length === 4) return raw.readUInt32LE(0);
  if (type === REG_DWORD_BIG_ENDIAN && raw.length === 4) return raw.readUInt32BE(0);
  return undefined;
}

/** The stores' keys; the local store also below `ControlSet001` etc. in a hive saved offline. */
const ROOTS: readonly { store: Store; key: RegExp }[] = [
  { store: 'policy', key: /(?:^|\\)software\\policies\\microsoft\\windowsfirewall(?=\\|$)/i },
  { store: 'local', key: /(?:^|\\)system\\(?:currentcontrolset|controlset\d{3})\\services\\sharedaccess\\parameters\\firewallpolicy(?=\\|$)/i },
];

/**
 * Where a full key path (`HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules`,
 * `SOFTWARE\Policies\…` in registry.pol) lies in a firewall store, or undefined for any other key.
 */
export function firewallKey(fullKey: string): { store: Store; path: string } | undefined {
  for (const { store, key } of ROOTS) {
    const m = key.exec(fullKey);
    if (m) return { store, path: fullKey.slice(m.index + m[0].length).replace(/^\\/, '') };
  }
  return undefined;
}

const PROFILE_KEYS = keywords<WindowsProfileName>({ domainprofile: 'Domain', privateprofile: 'Private', publicprofile: 'Public' });

/** Profile settings that do not change which flows pass (notifications, logging, stealth mode, IPsec merge). */
const IGNORED_PROFILE_VALUES = new Set([
  'disablenotifications',
  'disableunicastresponsestomulticastbroadcast',
  'disablestealthmode',
  'disablestealthmodeipsecsecuredpacketexemption',
  'allowlocalipsecpolicymerge',
  'allowlocalpolicymerge',
]);

type Diagnostics = WindowsPolicy['diagnostics'][number][];

/** Reads the firewall's registry values; throws ParseError on a rule string or setting Windows would reject. */
export function policyFromRegistry(format: string, file: string, values: readonly RegistryValue[], ignoredOutside: number): WindowsPolicy {
  const diagnostics: Diagnostics = [];
  const latest = latestValues(values, diagnostics);
  const rules: WindowsRule[] = [];
  const settings = { policy: new Map<WindowsProfileName, WindowsProfileSettings>(), local: new Map<WindowsProfileName, WindowsProfileSettings>() };
  const skipped = new Map<string, Skipped>();
  const profileKeysOf = profileKeyMap(latest);

  const parts = new Map<string, { first: string; rest: string[] }>();
  for (const v of latest) {
    // Paths repeat for every value of a key: split each once.
    let split = parts.get(v.path);
    if (!split) {
      const [first = '', ...rest] = v.path.toLowerCase().split('\\');
      parts.set(v.path, (split = { first, rest }));
    }
    const { first, rest } = split;
    if (first === 'firewallrules' && rest.length === 0) {
      if (v.name === '') continue;
      rules.push(readRule(v, file));
    } else if (first === '') {
      // Global settings (PolicyVersion, stateful FTP/PPTP, IPsec exemptions) do not decide which flows pass.
    } else if (rest.length === 0 && profileKeysOf(v.store, first).length > 0) {
      for (const profile of profileKeysOf(v.store, first)) readSetting(v, profile, settings[v.store], diagnostics, file);
    } else {
      const reason = skipReason(first, rest, v.path.split('\\')[0]!);
      if (reason) noteSkipped(skipped, v, reason);
    }
  }
  for (const [message, { line, level, count }] of skipped) diagnostics.push({ line, level, message: `${message} (${count} value${count === 1 ? '' : 's'})` });
  if (ignoredOutside > 0) diagnostics.push({ line: 0, level: 'info', message: `${ignoredOutside} registry values outside the Windows Firewall keys were ignored` });

  const stores = new Set(latest.map((v) => v.store));
  return {
    format,
    rules,
    profiles: mergeSettings(settings.policy, settings.local),
    formatNotes: [
      ...(stores.has('policy') ? ['Group Policy settings (SOFTWARE\\Policies\\Microsoft\\WindowsFirewall) of this export only: rules of other GPOs, and the host\'s local rules unless AllowLocalPolicyMerge is 0, also apply'] : []),
      ...(stores.has('local') && !stores.has('policy') ? ['the host\'s local firewall store only: rules that Group Policy gives the host, if any, also apply and are not in this export'] : []),
    ],
    diagnostics,
  };
}

/** When a value is written twice (a .reg that sets it again), the later one holds, as when Windows imports it. */
function latestValues(values: readonly RegistryValue[], diagnostics: Diagnostics): RegistryValue[] {
  // Keys are few and value names many: one map of value names per key, names compared case-insensitively.
  const byKey = { policy: new Map<string, Map<string, RegistryValue>>(), local: new Map<string, Map<string, RegistryValue>>() };
  let repeated = false;
  for (const v of values) {
    let names = byKey[v.store].get(v.path);
    if (!names) byKey[v.store].set(v.path, (names = new Map()));
    const name = v.name.toLowerCase();
    const earlier = names.get(name);
    if (earlier) {
      repeated = true;
      diagnostics.push({ line: earlier.source.line, level: 'info', message: `value ${v.name} is set again at line ${v.source.line}, which holds` });
    }
    names.set(name, v);
  }
  if (!repeated) return [...values];
  return [...byKey.policy.values(), ...byKey.local.values()].flatMap((names) => [...names.values()]).sort((a, b) => a.source.line - b.source.line);
}

/**
 * The profiles a profile key sets, per store. The local store keeps Private under `StandardProfile`. In Group Policy
 * `StandardProfile` is the pre-Vista name: it sets Private and Public only when neither `PrivateProfile` nor
 * `PublicProfile` exists ([MS-GPFAS] 2.2.3).
 */
function profileKeyMap(values: readonly RegistryValue[]): (store: Store, key: string) => WindowsProfileName[] {
  const policyKeys = new Set(values.filter((v) => v.store === 'policy').map((v) => v.path.toLowerCase().split('\\')[0]));
  const legacyStandard = !policyKeys.has('privateprofile') && !policyKeys.has('publicprofile');
  return (store, key) => {
    if (PROFILE_KEYS.has(key)) return [PROFILE_KEYS.get(key)!];
    if (key !== 'standardprofile') return [];
    if (store === 'local') return ['Private'];
    return legacyStandard ? ['Private', 'Public'] : [];
  };
}

function readRule(v: RegistryValue, file: string): WindowsRule {
  if (typeof v.data !== 'string') throw new ParseError(file, v.source.line, `firewall rule ${v.name} is not a string value (REG_SZ)`);
  try {
    return parseRuleString(v.data, v.source, v.name);
  } catch (e) {
    if (e instanceof RuleStringError) throw new ParseError(file, v.source.line, `${e.message} in firewall rule ${v.name}`);
    throw e;
  }
}

type MutableSettings = { -readonly [K in keyof WindowsProfileSettings]: WindowsProfileSettings[K] };

function readSetting(v: RegistryValue, profile: WindowsProfileName, into: Map<WindowsProfileName, WindowsProfileSettings>, diagnostics: Diagnostics, file: string): void {
  const name = v.name.toLowerCase();
  if (IGNORED_PROFILE_VALUES.has(name)) return;
  const s: MutableSettings = { ...into.get(profile) };
  const dword = (): number => {
    if (typeof v.data !== 'number') throw new ParseError(file, v.source.line, `${v.name} of the ${profile} profile is not a DWORD`);
    return v.data;
  };
  const action = (): 'allow' | 'block' => {
    const n = dword();
    if (n !== 0 && n !== 1) throw new ParseError(file, v.source.line, `${v.name} of the ${profile} profile is ${n}, not 0 (allow) or 1 (block)`);
    return n === 1 ? 'block' : 'allow';
  };
  if (name === 'enablefirewall') s.enableFirewall = { value: dword() !== 0, source: v.source };
  else if (name === 'defaultinboundaction') s.defaultInboundAction = { value: action(), source: v.source };
  else if (name === 'defaultoutboundaction') s.defaultOutboundAction = { value: action(), source: v.source };
  else if (name === 'donotallowexceptions') {
    if (dword() !== 0) diagnostics.push({ line: v.source.line, level: 'warning', message: `the ${profile} profile blocks all inbound connections whatever the rules allow (DoNotAllowExceptions): edge-audit still evaluates its allow rules` });
  } else if (name === 'disabledinterfaces') {
    if (typeof v.data === 'string' && v.data.trim() !== '') diagnostics.push({ line: v.source.line, level: 'warning', message: `the ${profile} profile turns the firewall off on interfaces ${v.data}: edge-audit cannot tell whether they carry the Edge's addresses` });
  } else diagnostics.push({ line: v.source.line, level: 'info', message: `setting ${v.name} of the ${profile} profile is not read` });
  into.set(profile, s);
}

/** Each profile's settings: a Group Policy setting wins over the local one, setting by setting. */
function mergeSettings(policy: ReadonlyMap<WindowsProfileName, WindowsProfileSettings>, local: ReadonlyMap<WindowsProfileName, WindowsProfileSettings>): WindowsPolicy['profiles'] {
  const out: Partial<Record<WindowsProfileName, WindowsProfileSettings>> = {};
  for (const profile of new Set([...policy.keys(), ...local.keys()])) out[profile] = { ...local.get(profile), ...policy.get(profile) };
  return out;
}

interface Skipped {
  line: number;
  level: 'warning' | 'info';
  count: number;
}

/**
 * Why values under a key that is neither the rules nor a profile's settings are not read; undefined for keys that
 * hold nothing about filtering (logging, IPsec connection security rules and their sets).
 */
function skipReason(first: string, rest: readonly string[], key: string): { level: 'warning' | 'info'; message: string } | undefined {
  if (first === 'standardprofile' && rest.length === 0) {
    return { level: 'info', message: 'Group Policy StandardProfile settings do not apply where PrivateProfile or PublicProfile exists ([MS-GPFAS] 2.2.3)' };
  }
  if (PROFILE_KEYS.has(first) || first === 'standardprofile') {
    if (rest[0] === 'logging') return undefined;
    return { level: 'warning', message: 'legacy program and port exceptions (AuthorizedApplications, GloballyOpenPorts) are not read' };
  }
  if (first === 'restrictedservices') return { level: 'warning', message: 'Windows Service Hardening rules (RestrictedServices) are not read; they only block services' };
  if (first === 'mdm') return { level: 'warning', message: 'rules and settings from device management (Mdm) are not read' };
  if (/^(consecrules|phase[12]authenticationsets?|phase[12]cryptosets?|cryptosets?|mainmoderules)$/.test(first)) return undefined;
  return { level: 'info', message: `values under ${key} are not read` };
}

/** Values read past on purpose: counted per reason, so the report says what was not read without listing each. */
function noteSkipped(skipped: Map<string, Skipped>, v: RegistryValue, reason: { level: 'warning' | 'info'; message: string }): void {
  const seen = skipped.get(reason.message);
  if (seen) seen.count++;
  else skipped.set(reason.message, { line: v.source.line, level: reason.level, count: 1 });
}

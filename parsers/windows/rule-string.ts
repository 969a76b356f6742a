/**
 * The registry rule string, the lossless form of a Windows Firewall rule in registry.pol, .reg exports, the local
 * registry and .wfw hives: `v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=5269|…|`.
 * Grammar: [MS-GPFAS] 2.2.2.19 "Firewall Rule and the Firewall Rule Grammar Rule". Keys that hold a list repeat;
 * versioned keys (`LPort2_10`, `RA42`, `TTK2_22`, `Security2`) extend their base key.
 */
import type { SourceRef, WindowsProfileName, WindowsRule } from './model.js';

export class RuleStringError extends Error {}

const RULE_STRING = /^v\d{1,3}\.\d{1,3}\|/;

export function isRuleString(text: string): boolean {
  return RULE_STRING.test(text);
}

const PROFILES: Readonly<Record<string, WindowsProfileName | 'any'>> = { domain: 'Domain', private: 'Private', public: 'Public', any: 'any' };
const ACTIONS: Readonly<Record<string, WindowsRule['action']>> = { allow: 'allow', block: 'block', bypass: 'allow-bypass' };

/** Keys that carry nothing about which flows the rule matches or whether it applies. */
const IGNORED = new Set(['embedctxt', 'skipver', 'lsm', 'pcross']);

/**
 * A rule string → the vendor model. `valueName` is the registry value the string is stored under (the rule id);
 * without one (a plain list of rule strings) the rule's Name is its id. Throws RuleStringError when the text
 * is not a rule string Windows would accept: no version, a field without `=`, no Action or Dir, an unknown token.
 */
export function parseRuleString(text: string, source: SourceRef, valueName?: string): WindowsRule {
  if (!isRuleString(text)) throw new RuleStringError('not a firewall rule string (expected v<major>.<minor>|Key=Value|…|)');
  const fields = text.slice(text.indexOf('|') + 1).split('|');
  if (fields[fields.length - 1] === '') fields.pop();
  const values = new Map<string, { key: string; values: string[] }>();
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new RuleStringError(`field "${field}" is not Key=Value`);
    const key = field.slice(0, eq);
    const base = baseKey(key);
    const entry = values.get(base) ?? { key, values: [] };
    entry.values.push(field.slice(eq + 1));
    values.set(base, entry);
  }
  const take = (base: string): string[] => {
    const v = values.get(base)?.values ?? [];
    values.delete(base);
    return v;
  };
  const one = (base: string): string | undefined => {
    const key = values.get(base)?.key;
    const v = [...new Set(take(base))];
    if (v.length > 1) throw new RuleStringError(`${key} is given twice with different values (${v.join(', ')})`);
    return v[0];
  };
  const flag = (base: string): boolean => {
    const key = values.get(base)?.key;
    const v = one(base);
    if (v !== undefined && !/^(true|false)$/i.test(v)) throw new RuleStringError(`${key}=${v} is not TRUE or FALSE`);
    return v?.toUpperCase() === 'TRUE';
  };

  const action = ACTIONS[one('action')?.toLowerCase() ?? ''];
  if (!action) throw new RuleStringError('rule has no valid Action (Allow, Block or ByPass)');
  const dir = one('dir')?.toLowerCase();
  if (dir !== 'in' && dir !== 'out') throw new RuleStringError('rule has no valid Dir (In or Out)');
  const profiles = take('profile').map((p) => {
    const profile = PROFILES[p.toLowerCase()];
    if (!profile) throw new RuleStringError(`unknown profile "${p}"`);
    return profile;
  });
  const name = one('name');
  const description = one('desc');
  const protocol = one('protocol');
  const program = one('app');
  const service = one('svc');
  const pkg = one('apppkgid');
  const localUsers = [...take('luown').map((v) => `owner ${v}`), ...take('luauth')].join(', ');
  // MS-GPFAS 2.2.2.19: a rule without Active=TRUE is not active.
  const enabled = flag('active');
  // Defer=App / Defer=User: the application or the user decides whether edge traversal is allowed, so it may be.
  const deferred = take('defer').length > 0;
  const edgeTraversal = flag('edge') || deferred;
  const conditions = [
    ...condition(take('security'), (v) => `allows only IPsec-secured connections (Security=${v}): whether a peer authenticates is not in the export`),
    ...condition(take('rmauth'), () => 'applies only to the remote computers the rule authorizes (RMAuth)'),
    ...condition(take('ruauth'), () => 'applies only to the remote users the rule authorizes (RUAuth)'),
    ...condition(take('platform'), (v) => `applies only on some Windows versions (Platform=${v}): the export does not say which version the host runs`),
    ...condition(take('ttk'), (v) => `applies only to the trust tuples ${v} (TTK)`),
    ...condition(take('nnm'), () => 'applies only on the networks the rule names (NNm)'),
    ...condition(take('securityrealmid'), (v) => `applies only in security realm ${v}`),
    ...(flag('lom') ? ['applies only to locally mapped traffic (LOM=TRUE)'] : []),
    ...(flag('authbypassout') ? ['authenticated outbound connections bypass it (AuthByPassOut=TRUE)'] : []),
  ];
  const rule: WindowsRule = {
    id: valueName ?? name ?? `rule at line ${source.line}`,
    ...(name !== undefined ? { displayName: name } : {}),
    ...(description !== undefined ? { description } : {}),
    action,
    direction: dir,
    enabled,
    profiles: profiles.includes('any') ? [] : [...new Set(profiles as WindowsProfileName[])],
    ...(protocol !== undefined ? { protocol } : {}),
    localPorts: take('lport'),
    remotePorts: take('rport'),
    localAddresses: [...familyValues(take('la4'), '4'), ...familyValues(take('la6'), '6')],
    remoteAddresses: [...familyValues(take('ra4'), '4'), ...familyValues(take('ra6'), '6')],
    icmpTypes: [...take('icmp4'), ...take('icmp6')],
    ...(program !== undefined ? { program } : {}),
    ...(service !== undefined ? { service } : {}),
    ...(pkg !== undefined ? { package: pkg } : {}),
    ...(localUsers !== '' ? { localUsers } : {}),
    interfaces: [...take('if'), ...take('iftype')],
    edgeTraversal,
    conditions,
    unknownKeys: [...values.entries()].filter(([base]) => !IGNORED.has(base)).map(([, e]) => e.key),
    source,
  };
  return rule;
}

/**
 * The base key a field extends, lower-case: `LPort2_10` → lport, `RA42` → ra4, `TTK2_22` → ttk, `Security2` →
 * security, `Platform2` (the platform operator) → platform. Keys are compared case-insensitively.
 */
function baseKey(key: string): string {
  const lower = key.toLowerCase();
  const m = /^(lport|rport|ttk|security|luauth|platform|[lr]a[46])(2_\d+|2)$/.exec(lower);
  return m ? m[1]! : lower;
}

/** Values of a condition field, as one reason naming them all; none when the field is absent. */
function condition(values: readonly string[], reason: (joined: string) => string): string[] {
  return values.length === 0 ? [] : [reason(values.join(', '))];
}

/**
 * Address keywords in `RA4` stand for their IPv4 addresses only, in `RA6` for their IPv6 ones: written with the
 * family suffix PowerShell uses (`LocalSubnet4`), so addresses.ts keeps them apart. Addresses need no suffix.
 */
function familyValues(values: readonly string[], family: '4' | '6'): string[] {
  return values.map((v) => (/^[a-z][a-z0-9]*$/i.test(v) && !/^any$/i.test(v) ? `${v}${family}` : v));
}

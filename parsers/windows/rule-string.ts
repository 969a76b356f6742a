/**
 * The registry rule string, the lossless form of a Windows Firewall rule in registry.pol, .reg exports, the local
 * registry and .wfw hives: `v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=5269|…|`.
 * Grammar: [MS-GPFAS] 2.2.2.19 "Firewall Rule and the Firewall Rule Grammar Rule". Keys that hold a list repeat;
 * versioned keys (`LPort2_10`, `RA42`, `TTK2_22`, `Security2`) extend their base key.
 */
import type { SourceRef, WindowsProfileName, WindowsRule } from './model.js';
import { keywords } from '../../src/model/keywords.js';

export class RuleStringError extends Error {}

const RULE_STRING = /^v\d{1,3}\.\d{1,3}\|/;

export function isRuleString(text: string): boolean {
  return RULE_STRING.test(text);
}

const PROFILES = keywords<WindowsProfileName | 'any'>({ domain: 'Domain', private: 'Private', public: 'Public', any: 'any' });
const ACTIONS = keywords<WindowsRule['action']>({ allow: 'allow', block: 'block', bypass: 'allow-bypass' });

/** Keys that carry nothing about which flows the rule matches or whether it applies. */
const IGNORED: ReadonlySet<string> = new Set(['embedctxt', 'skipver', 'lsm', 'pcross']);

/** How [MS-GPFAS] spells the single-valued keys, for messages (keys are read case-insensitively). */
const SPELLING = keywords<string>({
  action: 'Action',
  dir: 'Dir',
  active: 'Active',
  name: 'Name',
  desc: 'Desc',
  protocol: 'Protocol',
  app: 'App',
  svc: 'Svc',
  apppkgid: 'AppPkgId',
  edge: 'Edge',
  lom: 'LOM',
  authbypassout: 'AuthByPassOut',
});

/**
 * A rule string → the vendor model. `valueName` is the registry value the string is stored under (the rule id);
 * without one (a plain list of rule strings) the rule's Name is its id. Throws RuleStringError when the text
 * is not a rule string Windows would accept: no version, a field without `=`, no Action or Dir, an unknown token.
 */
export function parseRuleString(text: string, source: SourceRef, valueName?: string): WindowsRule {
  if (!isRuleString(text)) throw new RuleStringError('not a firewall rule string (expected v<major>.<minor>|Key=Value|…|)');
  const f = new Fields();
  let at = text.indexOf('|') + 1;
  while (at < text.length) {
    let end = text.indexOf('|', at);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', at);
    if (eq <= at || eq >= end) throw new RuleStringError(`field "${text.slice(at, end)}" is not Key=Value`);
    f.add(text.slice(at, eq), text.slice(eq + 1, end));
    at = end + 1;
  }
  return ruleOf(f, source, valueName);
}

/**
 * A rule given as the fields of its rule string, in order, without the version (a GPO report's elements): read
 * as parseRuleString reads the string, without writing it first.
 */
export function ruleFromFields(fields: readonly (readonly [key: string, value: string])[], source: SourceRef, valueName?: string): WindowsRule {
  const f = new Fields();
  for (const [key, value] of fields) f.add(key, value);
  return ruleOf(f, source, valueName);
}

function ruleOf(f: Fields, source: SourceRef, valueName: string | undefined): WindowsRule {
  const action = ACTIONS.get(f.one('action')?.toLowerCase() ?? '');
  if (!action) throw new RuleStringError('rule has no valid Action (Allow, Block or ByPass)');
  const dir = f.one('dir')?.toLowerCase();
  if (dir !== 'in' && dir !== 'out') throw new RuleStringError('rule has no valid Dir (In or Out)');
  const profiles = f.take('profile').map((p) => {
    const profile = PROFILES.get(p.toLowerCase());
    if (!profile) throw new RuleStringError(`unknown profile "${p}"`);
    return profile;
  });
  const name = f.one('name');
  const description = f.one('desc');
  const protocol = f.one('protocol');
  const program = f.one('app');
  const service = f.one('svc');
  const pkg = f.one('apppkgid');
  const localUsers = joined(f.take('luown').map((v) => `owner ${v}`), f.take('luauth')).join(', ');
  // MS-GPFAS 2.2.2.19: a rule without Active=TRUE is not active.
  const enabled = f.flag('active');
  // Defer=App / Defer=User: the application or the user decides whether edge traversal is allowed, so it may be.
  const deferred = f.take('defer').length > 0;
  const edgeTraversal = f.flag('edge') || deferred;
  // Every field present (maybe undefined): one object shape for every rule.
  const rule: WindowsRule = {
    id: valueName ?? name ?? `rule at line ${source.line}`,
    displayName: name,
    description,
    action,
    direction: dir,
    enabled,
    profiles: profiles.length === 0 ? NONE_PROFILES : profiles.includes('any') ? NONE_PROFILES : [...new Set(profiles as WindowsProfileName[])],
    protocol,
    localPorts: f.take('lport'),
    remotePorts: f.take('rport'),
    localAddresses: familyValues(f.take('la4'), f.take('la6')),
    remoteAddresses: familyValues(f.take('ra4'), f.take('ra6')),
    icmpTypes: joined(f.take('icmp4'), f.take('icmp6')),
    program,
    service,
    package: pkg,
    localUsers: localUsers === '' ? undefined : localUsers,
    interfaces: joined(f.take('if'), f.take('iftype')),
    edgeTraversal,
    conditions: f.remaining() === 0 ? NONE : conditions(f),
    unknownKeys: f.remaining() === 0 ? NONE : f.unknown(),
    source,
  };
  return rule;
}

/** What a rule's remaining fields make it depend on that no export settles; consumes those fields. */
function conditions(f: Fields): string[] {
  const out: string[] = [];
  const add = (base: string, reason: (joined: string) => string) => {
    const v = f.take(base);
    if (v.length > 0) out.push(reason(v.join(', ')));
  };
  add('security', (v) => `allows only IPsec-secured connections (Security=${v}): whether a peer authenticates is not in the export`);
  add('rmauth', () => 'applies only to the remote computers the rule authorizes (RMAuth)');
  add('ruauth', () => 'applies only to the remote users the rule authorizes (RUAuth)');
  add('platform', (v) => `applies only on some Windows versions (Platform=${v}): the export does not say which version the host runs`);
  add('ttk', (v) => `applies only to the trust tuples ${v} (TTK)`);
  add('nnm', () => 'applies only on the networks the rule names (NNm)');
  add('securityrealmid', (v) => `applies only in security realm ${v}`);
  if (f.flag('lom')) out.push('applies only to locally mapped traffic (LOM=TRUE)');
  if (f.flag('authbypassout')) out.push('authenticated outbound connections bypass it (AuthByPassOut=TRUE)');
  return out;
}

const NONE: readonly string[] = Object.freeze([]);
const NONE_PROFILES: readonly WindowsProfileName[] = Object.freeze([]);

/** The fields of one rule string by base key, each read once by the parser (`take`); what is left is unknown. */
class Fields {
  /** One value, or the list of a key that repeats: most keys appear once, and need no array. */
  private readonly values = new Map<string, string | string[]>();
  /** The first spelling of each base key, as written; only asked for keys nobody takes. */
  private readonly spelled = new Map<string, string>();

  add(key: string, value: string): void {
    const base = baseKey(key);
    if (IGNORED.has(base)) return;
    const seen = this.values.get(base);
    if (seen === undefined) {
      this.values.set(base, value);
      if (base !== key) this.spelled.set(base, key);
    } else if (typeof seen === 'string') this.values.set(base, [seen, value]);
    else seen.push(value);
  }

  take(base: string): readonly string[] {
    const v = this.values.get(base);
    if (v === undefined) return NONE;
    this.values.delete(base);
    return typeof v === 'string' ? [v] : v;
  }

  one(base: string): string | undefined {
    const v = this.values.get(base);
    if (v === undefined || typeof v === 'string') {
      this.values.delete(base);
      return v;
    }
    const all = this.take(base);
    if (all.some((x) => x !== all[0])) throw new RuleStringError(`${SPELLING.get(base) ?? base} is given twice with different values (${[...new Set(all)].join(', ')})`);
    return all[0];
  }

  flag(base: string): boolean {
    const v = this.one(base);
    if (v === undefined) return false;
    const upper = v.toUpperCase();
    if (upper !== 'TRUE' && upper !== 'FALSE') throw new RuleStringError(`${SPELLING.get(base) ?? base}=${v} is not TRUE or FALSE`);
    return upper === 'TRUE';
  }

  remaining(): number {
    return this.values.size;
  }

  /** The keys nobody took, as written. */
  unknown(): string[] {
    return [...this.values.keys()].map((base) => this.spelled.get(base) ?? base);
  }
}

/**
 * The base key a field extends, lower-case: `LPort2_10` → lport, `RA42` → ra4, `TTK2_22` → ttk, `Security2` →
 * security, `Platform2` (the platform operator) → platform. Keys are compared case-insensitively.
 */
function baseKey(key: string): string {
  let base = BASE_KEYS.get(key);
  if (base === undefined) {
    const lower = key.toLowerCase();
    const m = /^(lport|rport|ttk|security|luauth|platform|[lr]a[46])(2_\d+|2)$/.exec(lower);
    base = m ? m[1]! : lower;
    if (BASE_KEYS.size < 1000) BASE_KEYS.set(key, base);
  }
  return base;
}

/** Base keys by key as written: a file spells the same few dozen keys in every rule. */
const BASE_KEYS = new Map<string, string>();

/** Two lists as one, without copying when one is empty (most fields are). */
function joined(a: readonly string[], b: readonly string[]): readonly string[] {
  return b.length === 0 ? a : a.length === 0 ? b : [...a, ...b];
}

/**
 * The addresses of `LA4`/`RA4` and `LA6`/`RA6` as one list. Keywords in the IPv4 key stand for their IPv4 addresses
 * only, in the IPv6 key for their IPv6 ones: written with the family suffix PowerShell uses (`LocalSubnet4`), so
 * addresses.ts keeps them apart. Addresses need no suffix.
 */
function familyValues(v4: readonly string[], v6: readonly string[]): readonly string[] {
  const mark = (values: readonly string[], family: '4' | '6') =>
    values.some(isKeyword) ? values.map((v) => (isKeyword(v) ? `${v}${family}` : v)) : values;
  return joined(mark(v4, '4'), mark(v6, '6'));
}

function isKeyword(v: string): boolean {
  return /^[a-z][a-z0-9]*$/i.test(v) && !/^any$/i.test(v);
}

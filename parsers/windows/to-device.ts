/**
 * The Windows vendor model (WindowsPolicy) → one Device per firewall profile the export covers.
 *
 * - Each profile (Domain, Private, Public) is its own rule set: `partition {kind: 'firewall-profile'}`. A rule
 *   with no profile belongs to all three.
 * - Two block-over-allow filters per profile: inbound on the input hook, outbound on the output hook, each with the
 *   profile's default (inbound Block, outbound Allow unless the export sets them). The Device has no interfaces:
 *   on an Edge host the Edge's external and internal sides are told apart by the rules' local addresses.
 * - A profile with EnableFirewall off is `Device.firewallOff`: the engine then puts no filter on the path.
 * - Allow → permit, Block → deny, allow-bypass → permit that overrides blocks. Program, service, package and
 *   local-user limits are evidence (`Rule.scope`); the rule still opens its ports.
 */
import { basename, extname } from 'node:path';
import type { Decision, Device, Diagnostic, Filter, Hook, Origin, Rule } from '../../src/model/rule-graph.js';
import type { ParseOptions } from '../index.js';
import { ParseError } from '../parse-error.js';
import { AddressError, AddressResolver } from './addresses.js';
import { WINDOWS_PROFILES, type SourceRef, type WindowsPolicy, type WindowsProfileName, type WindowsRule } from './model.js';
import { PORT_KEYWORD_REASONS, PortValueError } from './ports.js';
import { ruleMatch, RuleValueError } from './rule-match.js';

/** Windows' own defaults for what a profile does not set. */
const DEFAULT_ACTION: Readonly<Record<'in' | 'out', Decision>> = { in: 'deny', out: 'permit' };
const HOOK: Readonly<Record<'in' | 'out', Hook>> = { in: 'input', out: 'output' };
const FILTER_STAGE = 10;
const PERMIT = { type: 'permit' } as const;
const DENY = { type: 'deny' } as const;

/** A rule converted once, shared by every profile it belongs to. */
interface Converted {
  readonly rule: Rule;
  readonly direction: 'in' | 'out';
  readonly profiles: readonly WindowsProfileName[];
}

export function toDevices(policy: WindowsPolicy, file: string, options: ParseOptions): Device[] {
  const addresses = new AddressResolver(options.addressKeywords);
  const profiles = coveredProfiles(policy);
  const converted = convertRules(policy.rules, file, addresses);
  const host = policy.name ?? basename(file, extname(file));
  const shared: Diagnostic[] = [
    ...policy.formatNotes.map((message) => ({ line: 0, level: 'warning' as const, message })),
    ...policy.diagnostics,
  ];
  return profiles.map((profile) => {
    const mine = converted.filter((c) => c.profiles.includes(profile));
    const settings = policy.profiles[profile] ?? {};
    const inbound = filter(profile, 'in', mine, settings.defaultInboundAction, file);
    const outbound = filter(profile, 'out', mine, settings.defaultOutboundAction, file);
    const off = settings.enableFirewall && !settings.enableFirewall.value ? origin(file, settings.enableFirewall.source) : undefined;
    const device: Device = {
      name: `${host} (${profile} profile)`,
      vendor: 'windows',
      file,
      families: ['ipv4', 'ipv6'],
      interfaces: [],
      filters: new Map([inbound, outbound].map((f) => [f.id, f])),
      nat: [],
      diagnostics: [...shared, ...uncertaintyDiagnostics(mine)].sort((a, b) => a.line - b.line),
      partition: { kind: 'firewall-profile', name: profile },
      ...(off ? { firewallOff: off } : {}),
    };
    return device;
  });
}

/**
 * The profiles the export says anything about: those its rules name or whose settings it holds. A rule with no
 * profile belongs to all of them, and so does an export that names none.
 */
function coveredProfiles(policy: WindowsPolicy): WindowsProfileName[] {
  const named = new Set<WindowsProfileName>(Object.keys(policy.profiles) as WindowsProfileName[]);
  for (const r of policy.rules) {
    if (r.profiles.length === 0) return [...WINDOWS_PROFILES];
    for (const p of r.profiles) named.add(p);
  }
  return named.size === 0 ? [...WINDOWS_PROFILES] : WINDOWS_PROFILES.filter((p) => named.has(p));
}

function filter(
  profile: WindowsProfileName,
  direction: 'in' | 'out',
  rules: readonly Converted[],
  setting: { readonly value: 'allow' | 'block'; readonly source: SourceRef } | undefined,
  file: string,
): Filter {
  // The profile is the device's partition (its name says it): filter names that repeated it kept findings that are alike in
  // several profiles from being reported once.
  const name = `${direction === 'in' ? 'Inbound' : 'Outbound'} rules`;
  return {
    id: `${profile}/${direction}`,
    name,
    model: 'block-over-allow',
    rules: rules.filter((c) => c.direction === direction).map((c) => c.rule),
    defaultAction: setting ? (setting.value === 'block' ? 'deny' : 'permit') : DEFAULT_ACTION[direction],
    ...(setting ? { defaultOrigin: origin(file, setting.source) } : {}),
    attachment: { hooks: [HOOK[direction]], stage: FILTER_STAGE },
  };
}

/**
 * Each rule converted in export order. The policy's rules are taken out as they are converted (the list is left
 * empty): 100,000 vendor rules would otherwise stay alive beside their conversions until the audit ends.
 */
function convertRules(rules: WindowsRule[], file: string, addresses: AddressResolver): Converted[] {
  const ids = new Map<string, number>();
  const converted: Converted[] = [];
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    (rules as (WindowsRule | undefined)[])[k] = undefined;
    converted.push(convertRule(r, file, addresses, uniqueId(ids, r.id)));
  }
  rules.length = 0;
  return converted;
}

function convertRule(r: WindowsRule, file: string, addresses: AddressResolver, id: string): Converted {
  let match;
  try {
    match = ruleMatch(r, addresses);
  } catch (e) {
    if (e instanceof RuleValueError || e instanceof PortValueError || e instanceof AddressError) {
      throw new ParseError(file, r.source.line, `${e.message} in rule ${r.displayName ?? r.id}`);
    }
    throw e;
  }
  // Every field present (maybe undefined): one object shape for every rule.
  const rule: Rule = {
    id,
    action: r.action === 'block' ? DENY : PERMIT,
    match: match.possibleFlows ? { flows: match.flows, possibleFlows: match.possibleFlows } : { flows: match.flows },
    enabled: r.enabled,
    uncertain: match.uncertain,
    name: ownCopy(r.displayName),
    comment: ownCopy(r.description),
    overridesBlock: r.action === 'allow-bypass' ? true : undefined,
    scope: r.program || r.service || r.package || r.localUsers ? ownCopy(scopeOf(r)) : undefined,
    edgeTraversal: r.edgeTraversal && r.direction === 'in' ? true : undefined,
    origin: origin(file, r.source),
  };
  return { rule, direction: r.direction, profiles: r.profiles.length === 0 ? WINDOWS_PROFILES : r.profiles };
}

/**
 * The string in memory of its own. A name read from a rule string is a slice of it, and a rule string whose
 * escapes were undone is a copy of its own (not of the export's text): the slice would keep that whole copy alive.
 * Prefixing makes a new string whose slice holds only it.
 */
function ownCopy(s: string | undefined): string | undefined {
  return s === undefined ? undefined : (' ' + s).slice(1);
}

/** "program C:\x.exe; service foo": what narrows who may use the rule's ports, as evidence. */
function scopeOf(r: WindowsRule): string {
  const parts = [
    r.program && `program ${r.program}`,
    r.service && `service ${r.service}`,
    r.package && `package ${r.package}`,
    r.localUsers && `local users ${r.localUsers}`,
  ];
  return parts.filter(Boolean).join('; ');
}

/** Rule ids are unique within a device: a repeated id (two rules of one name) gets `#2`, `#3` in export order. */
function uniqueId(seen: Map<string, number>, id: string): string {
  const n = (seen.get(id) ?? 0) + 1;
  seen.set(id, n);
  return n === 1 ? id : `${id}#${n}`;
}

/**
 * One warning (information, for a known port keyword) per distinct reason an enabled rule is uncertain, at the first such rule, with how many share it:
 * an export where 200 rules name `LocalSubnet` needs one line in the report, not 200. Disabled rules never match.
 */
function uncertaintyDiagnostics(rules: readonly Converted[]): Diagnostic[] {
  const byReason = new Map<string, { line: number; count: number }>();
  for (const { rule } of rules) {
    if (!rule.enabled) continue;
    for (const reason of rule.uncertain) {
      const seen = byReason.get(reason);
      if (seen) seen.count++;
      else byReason.set(reason, { line: rule.origin.line, count: 1 });
    }
  }
  return [...byReason].map(([reason, { line, count }]) => ({
    line,
    level: PORT_KEYWORD_REASONS.has(reason) ? 'info' : 'warning',
    message: `${reason}: ${count === 1 ? 'this rule is' : `${count} rules are`} uncertain`,
  }));
}

/**
 * The source's text is read only when asked for (line-index.ts); JSON and copies see an ordinary
 * `{ file, line, text }`. A class, not an object literal with a getter: V8 keeps each such literal in a dictionary
 * of its own, with its own getter closure, some 400 bytes a rule.
 */
class SourceOrigin implements Origin {
  readonly file: string;
  readonly line: number;
  readonly #source: SourceRef;

  constructor(file: string, source: SourceRef) {
    this.file = file;
    this.line = source.line;
    this.#source = source;
  }

  get text(): string {
    return this.#source.text;
  }

  toJSON(): Origin {
    return { file: this.file, line: this.line, text: this.text };
  }
}

function origin(file: string, source: SourceRef): Origin {
  return new SourceOrigin(file, source);
}

/**
 * `-j TARGET` / `-g CHAIN` → RuleAction, for the filtering tables (filter, mangle, raw).
 */
import type { RuleAction } from '../../src/model/rule-graph.js';
import type { TargetSpec } from './rule-options.js';
import type { ChainDecl } from './save-file.js';
import { displayWord } from './tokenize.js';

/** A target iptables-restore would refuse in this place; the caller adds the file and line. */
export class TargetError extends Error {}

export interface TargetContext {
  /** Filter id prefix of the table, e.g. `ipv4/filter`. */
  readonly tablePrefix: string;
  readonly table: string;
  readonly chains: ReadonlyMap<string, ChainDecl>;
}

export interface ConvertedTarget {
  readonly action: RuleAction;
  /** Why the verdict is not known exactly. */
  readonly uncertain: string | undefined;
  /** The target is not understood at all (as opposed to understood and left to user space). */
  readonly unknown: boolean;
}

/** Targets that change something other than the verdict; evaluation goes on with the next rule. */
export const CONTINUE_TARGETS: ReadonlySet<string> = new Set([
  'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TRACE', 'TCPMSS', 'DSCP', 'TOS', 'CLASSIFY', 'SET',
  'AUDIT', 'CHECKSUM', 'TTL', 'HL', 'SECMARK', 'CONNSECMARK', 'TEE', 'IDLETIMER', 'LED', 'RATEEST', 'HMARK',
  'TCPOPTSTRIP', 'ECN', 'CLUSTERIP',
]);
/** Targets that end the packet without ever letting it through (xtables-addons). */
const DENY_TARGETS: ReadonlySet<string> = new Set(['TARPIT', 'DELUDE', 'CHAOS', 'STEAL']);
/** Known targets whose verdict depends on state outside the export. */
const OPAQUE_TARGETS: ReadonlySet<string> = new Set(['SYNPROXY', 'TPROXY']);
const NAT_TARGETS: ReadonlySet<string> = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

const PERMIT: RuleAction = { type: 'permit' };
const DENY: RuleAction = { type: 'deny' };
const REJECT: RuleAction = { type: 'deny', reject: true };
const RETURN: RuleAction = { type: 'return' };
const COUNT: RuleAction = { type: 'continue', target: '' };
const continueActions = new Map<string, ConvertedTarget>();

function exact(action: RuleAction): ConvertedTarget {
  return { action, uncertain: undefined, unknown: false };
}
const AS_PERMIT = exact(PERMIT);
const AS_DENY = exact(DENY);
const AS_REJECT = exact(REJECT);
const AS_RETURN = exact(RETURN);
const AS_COUNT = exact(COUNT);

/** Whether `-j NAME` names a chain of this table, a target, or nothing that exists. */
export function resolveJump(target: TargetSpec, chains: ReadonlyMap<string, ChainDecl>): 'chain' | 'target' {
  if (chains.has(target.name)) return 'chain';
  if (target.goto) throw new TargetError(`-g ${target.name}: no chain ${target.name} in this table`);
  if (isKnownTarget(target.name) || target.options.length > 0) return 'target';
  // A target without options that no iptables knows: almost certainly a chain that was never declared.
  throw new TargetError(`-j ${target.name}: no chain ${target.name} in this table, and no such target`);
}

function isKnownTarget(name: string): boolean {
  return (
    name === 'ACCEPT' || name === 'DROP' || name === 'REJECT' || name === 'RETURN' || name === 'QUEUE' || name === 'NFQUEUE' ||
    CONTINUE_TARGETS.has(name) || DENY_TARGETS.has(name) || OPAQUE_TARGETS.has(name) || NAT_TARGETS.has(name)
  );
}

export function convertTarget(target: TargetSpec | undefined, ctx: TargetContext): ConvertedTarget {
  // No -j: a counting rule.
  if (!target) return AS_COUNT;
  const { name } = target;
  if (resolveJump(target, ctx.chains) === 'chain') {
    const filter = `${ctx.tablePrefix}/${name}`;
    return { action: target.goto ? { type: 'goto', filter } : { type: 'call', filter }, uncertain: undefined, unknown: false };
  }
  switch (name) {
    case 'ACCEPT':
      return AS_PERMIT;
    case 'DROP':
      return AS_DENY;
    case 'REJECT':
      return AS_REJECT;
    case 'RETURN':
      // In a built-in chain RETURN hands the packet to the chain policy (iptables(8) "TARGETS"): the engine gives
      // flows that come back out of an attached filter its default, and names the RETURN rule, as the kernel does.
      return AS_RETURN;
    case 'QUEUE':
    case 'NFQUEUE':
      return {
        action: { type: 'unknown', target: name },
        uncertain: `the verdict is taken by a user-space program (${targetText(target)})`,
        unknown: false,
      };
  }
  if (CONTINUE_TARGETS.has(name)) return continueTarget(name);
  if (DENY_TARGETS.has(name)) return AS_DENY;
  if (NAT_TARGETS.has(name)) throw new TargetError(`${name} is only valid in the nat table, not in *${ctx.table}`);
  return {
    action: { type: 'unknown', target: name },
    uncertain: `target "${targetText(target)}" is not modelled; it may end the evaluation`,
    unknown: true,
  };
}

function continueTarget(target: string): ConvertedTarget {
  let converted = continueActions.get(target);
  if (!converted) {
    converted = exact({ type: 'continue', target });
    continueActions.set(target, converted);
  }
  return converted;
}

export function targetText(target: TargetSpec): string {
  const parts = [`${target.goto ? '-g' : '-j'} ${target.name}`];
  for (const o of target.options) parts.push(`${o.negated ? '! ' : ''}${o.name}${o.args.map((a) => ` ${displayWord(a)}`).join('')}`);
  return parts.join(' ');
}

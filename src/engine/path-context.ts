import type { InterfaceMatch, RuleMatch } from '../model/rule-graph.js';
import { OTHER_INTERFACE } from './topology.js';

/** The packet's context that is not a flow-set dimension. */
export interface PathContext {
  /** Ingress interface; absent for traffic the device originates. */
  readonly in?: string;
  /** Egress interface; absent for traffic addressed to the device. */
  readonly out?: string;
}

/** Whether a rule (or NAT rule) can match a new connection on this path at all (interfaces, connection state). */
export function appliesTo(rule: { readonly match: RuleMatch }, ctx: PathContext): boolean {
  const { inInterface, outInterface, states } = rule.match;
  if (states && !states.includes('new')) return false;
  if (inInterface && !interfaceMatches(inInterface, ctx.in)) return false;
  if (outInterface && !interfaceMatches(outInterface, ctx.out)) return false;
  return true;
}

/**
 * Names are compared exactly; a wildcard's prefixes decide only for interfaces the export never names. A flow without
 * that interface never matches a positive test.
 */
export function interfaceMatches(m: InterfaceMatch, name: string | undefined): boolean {
  const hit = name !== undefined && (m.names.includes(name) || (m.otherWithPrefix !== undefined && otherMatches(m.otherWithPrefix, name)));
  return m.negated ? !hit : hit;
}

/**
 * OTHER_INTERFACE stands for an interface unlike every one the export names, so no prefix the export uses describes
 * it: only `+`, every interface, matches it. That keeps an unknown placement decidable.
 */
function otherMatches(prefixes: readonly string[], name: string): boolean {
  return name === OTHER_INTERFACE ? prefixes.includes('') : prefixes.some((p) => name.startsWith(p));
}

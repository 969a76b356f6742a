import type { InterfaceMatch, RuleMatch } from '../model/rule-graph.js';

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

/** `eth+` matches every name starting with `eth`; a flow without that interface never matches a positive test. */
export function interfaceMatches(m: InterfaceMatch, name: string | undefined): boolean {
  const hit = name !== undefined && m.names.some((n) => (n.endsWith('+') ? name.startsWith(n.slice(0, -1)) : name === n));
  return m.negated ? !hit : hit;
}

import { intersectFlows, subtractFlows, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, Rule } from '../model/rule-graph.js';
import { inDecisionOrder, type Decider } from '../engine/evaluate.js';
import { asSeenAt } from '../engine/nat.js';
import { appliesTo } from '../engine/path-context.js';
import { candidateRules } from '../engine/rule-index.js';
import { openedByRules, pathContext, type DecidedPart } from '../audit/flow-query.js';
import type { Path } from '../engine/topology.js';

/** What the rules after a deciding rule would do with the flows it decided, were it absent. */
export interface AfterRule {
  /** Later permit rules of the same filter, each with the part it would permit (first match, certain matches only). */
  readonly permits: { readonly rule: Rule; readonly flows: HeaderSpace[] }[];
  /** True when no later rule of an attached filter touches any of the flows: they would all meet its default. */
  readonly toDefault: boolean;
}

/**
 * The rest of the filter after `d.rule`, in decision order (first match; Windows' block-over-allow ranks), applied
 * to `flows` (named as they arrive on `path`) as that filter sees them. Only the deciding filter is walked: jumps,
 * RETURNs and uncertain rules after the rule end the walk for the flows they touch, so `permits` names only rules
 * that certainly would have decided, and `toDefault` holds only when nothing else in the filter could. In a chain
 * reached through a jump the flows would go back to the caller rather than to a default, so `toDefault` is false there.
 */
export function afterRule(device: Device, path: Path, d: Decider, flows: readonly HeaderSpace[]): AfterRule {
  const rule = d.rule;
  const attached = d.via[0]?.filter ?? d.filter;
  const stage = path.filters.indexOf(attached);
  if (!rule || stage < 0 || flows.length === 0) return { permits: [], toDefault: false };
  const ctx = pathContext(path);
  let remaining = asSeenAt(device.nat, [...flows], ctx, attached.attachment?.stage ?? stage).flatMap((v) => v.seen);
  const ordered: Filter = inDecisionOrder(d.filter);
  const candidates = candidateRules(ordered, remaining);
  const permits: AfterRule['permits'] = [];
  let touched = false;
  for (const r of candidates.slice(candidates.indexOf(rule) + 1)) {
    if (remaining.length === 0) break;
    if (!r.enabled || !appliesTo(r, ctx) || r.action.type === 'continue') continue;
    const hit = intersectFlows(remaining, r.match.flows);
    if (hit.length === 0) continue;
    touched = true;
    if (r.uncertain.length > 0 || r.action.type === 'unknown') continue;
    if (r.action.type === 'permit') permits.push({ rule: r, flows: hit });
    remaining = subtractFlows(remaining, r.match.flows);
  }
  return { permits, toDefault: !touched && d.via.length === 0 };
}

/**
 * The rule of `d` only permits what its filter's default policy would permit anyway: nothing after it in the filter
 * touches the flows, and the default permits. Such a rule is no open door of its own (a Windows outbound allow rule
 * on a host whose outbound default is Allow); the default is, and that is reported once, on the default.
 */
export function standsInForDefault(device: Device, path: Path, d: Decider, flows: readonly HeaderSpace[]): boolean {
  return d.filter.defaultAction === 'permit' && afterRule(device, path, d, flows).toDefault;
}

/** Parts that some rule lets through which is not merely standing in for a permitting default. */
export function openedByOwnRules(device: Device, parts: readonly DecidedPart[]): DecidedPart[] {
  return openedByRules(parts).filter((p) => p.permittedBy.some((d) => d.rule && !standsInForDefault(device, p.path, d, p.flows)));
}

import {
  intersectFlows,
  subtractFlows,
  type FlowSet,
  type HeaderSpace,
} from '../model/header-space.js';
import type { Decision, Device, Filter, NatRule, Rule } from '../model/rule-graph.js';
import { backAll, forwardAll, natPieces, seenAt, type NatPiece } from './nat.js';
import { appliesTo, type PathContext } from './path-context.js';
import { candidateRules } from './rule-index.js';

/** The rule that made a decision, or the filter's default when `rule` is absent. */
export interface Decider {
  readonly filter: Filter;
  readonly rule?: Rule;
  /** The call/goto rules, outermost first, through which the flow reached `filter` (iptables user chains). */
  readonly via: readonly Jump[];
  /**
   * Only on a default that decided because the flow came back out of `filter` (iptables: RETURN in a built-in
   * chain, or the end of a chain it went to with goto): the goto rules that took it away and the RETURN rule
   * that sent it back, outermost first. Absent when the flow simply fell off the end of `filter`.
   */
  readonly returnedBy?: readonly Jump[];
}

export interface Jump {
  readonly filter: Filter;
  readonly rule: Rule;
}

/** Why a verdict might be different: an uncertain rule, or an input the parser or profile left open. */
export interface Uncertainty {
  readonly reason: string;
  readonly rule?: Rule;
}

/** A part of the evaluated flow set with one verdict. */
export interface Outcome {
  readonly flows: HeaderSpace[];
  readonly decision: Decision;
  /** The rule or default that decided; absent when no filter lies on the path at all. */
  readonly decidedBy?: Decider;
  /** Index of the deciding filter in the path. */
  readonly stage: number;
  /** For each filter passed before the deciding one (and the deciding one, for permits): who let it through. */
  readonly permittedBy: readonly Decider[];
  /** Non-empty: this verdict holds only if these uncertain rules or inputs turn out one particular way. */
  readonly uncertainty: readonly Uncertainty[];
  /** The address translations applied to these flows (`flows` names them as they arrived). */
  readonly translations: readonly NatRule[];
}

interface Decided {
  flows: HeaderSpace[];
  decision: Decision;
  decider: Decider;
}

/** Flows sent back to a filter's caller, with the goto/RETURN rules that sent them (empty: the filter's end). */
interface Returned {
  flows: HeaderSpace[];
  by: readonly Jump[];
}

/** A rule whose match is uncertain: the flows that reached it, and what it would have done to them. */
interface Overlay {
  rule: Rule;
  flows: HeaderSpace[];
  effect: Decision | 'unknown';
  stage: number;
}

/**
 * Evaluates a flow set along a path: the filters a flow meets in order, each of which must permit it.
 * Returns a partition of `flows` into outcomes, each attributed to the rule (or default) that decided it.
 * Flows are named as they arrived; each filter sees them translated by the NAT rules it comes after.
 */
export function evaluatePath(device: Device, path: readonly Filter[], flows: FlowSet, ctx: PathContext): Outcome[] {
  return natPieces(device.nat, [...flows], ctx).flatMap((piece) => evaluatePiece(device, path, piece, ctx));
}

function evaluatePiece(device: Device, path: readonly Filter[], piece: NatPiece, ctx: PathContext): Outcome[] {
  const outcomes: Outcome[] = [];
  const overlays: Overlay[] = [];
  const translations = piece.translations.map((t) => t.rule);
  let passing: { flows: HeaderSpace[]; permittedBy: Decider[] }[] = [{ flows: piece.flows, permittedBy: [] }];
  let manyToOneSeen: NatRule | undefined;

  path.forEach((filter, stage) => {
    const seen = seenAt(piece, filter.attachment?.stage ?? stage);
    manyToOneSeen ??= seen.find((t) => t.manyToOne)?.rule;
    const next: typeof passing = [];
    for (const group of passing) {
      const stageOverlays: Overlay[] = [];
      const result = evaluateFilter(device, filter, forwardAll(seen, group.flows), ctx, stageOverlays, newCalls());
      for (const o of stageOverlays) overlays.push({ ...o, flows: backAll(seen, o.flows), stage });
      // Flows that come back out of an attached filter (RETURN, or a goto'd chain returns) get its default, as in iptables.
      const decision: Decision = filter.defaultAction === 'deny' ? 'deny' : 'permit';
      const decided: Decided[] = [
        ...result.decided,
        ...result.returned.map((r) => ({ flows: r.flows, decision, decider: { filter, via: [], ...(r.by.length > 0 ? { returnedBy: r.by } : {}) } })),
      ];
      for (const d of decided) {
        const flows = backAll(seen, d.flows);
        if (d.decision === 'deny') {
          outcomes.push({ flows, decision: 'deny', decidedBy: d.decider, stage, permittedBy: group.permittedBy, uncertainty: [], translations });
        } else {
          next.push({ flows, permittedBy: [...group.permittedBy, d.decider] });
        }
      }
    }
    passing = next;
  });

  for (const group of passing) {
    if (group.flows.length === 0) continue;
    const last = group.permittedBy[group.permittedBy.length - 1];
    outcomes.push({
      flows: group.flows,
      decision: 'permit',
      ...(last ? { decidedBy: last } : {}),
      stage: Math.max(0, path.length - 1),
      permittedBy: group.permittedBy,
      uncertainty: [],
      translations,
    });
  }
  const result = overlays.reduce(applyOverlay, outcomes.filter((o) => o.flows.length > 0));
  return manyToOneSeen ? ambiguousTranslation(result, manyToOneSeen) : result;
}

/**
 * A translation that maps several addresses onto one (or one onto a pool) hides which translated flow an
 * arriving flow becomes; when the filters treat those differently, each verdict holds only for some of them.
 */
function ambiguousTranslation(outcomes: Outcome[], rule: NatRule): Outcome[] {
  if (new Set(outcomes.map((o) => o.decision)).size < 2) return outcomes;
  const reason = `address translation maps several addresses or ports onto one, and the filters treat them differently (${rule.origin.file}:${rule.origin.line})`;
  return outcomes.map((o) => ({ ...o, uncertainty: [...o.uncertainty, { reason }] }));
}

interface FilterResult {
  decided: Decided[];
  returned: Returned[];
}

/**
 * The called filters of one evaluation: what each already returned for a flow set, so that a filter jumped to
 * again with the same flows (chains that each jump twice to the next) is evaluated once, not once per path;
 * and the filters being evaluated, so that a loop is an error rather than endless recursion.
 */
interface Calls {
  readonly done: Map<Filter, { flows: HeaderSpace[]; result: FilterResult }[]>;
  readonly active: Set<Filter>;
}

function newCalls(): Calls {
  return { done: new Map(), active: new Set() };
}

/**
 * First-match evaluation of one filter. Flows no rule decides get the default action, or go back to the
 * caller (`returned`) for filters that are only called. What a rule only may match (a wholly doubtful rule's
 * flows, or another rule's `possibleFlows`) is recorded as an overlay and otherwise treated as not matched, so the
 * evaluation continues on the "does not match" branch; what it certainly matches is decided exactly.
 * Deciders' `via` are relative to `filter` (the caller prefixes its jump), so one result serves every path.
 */
function evaluateFilter(device: Device, filter: Filter, flows: HeaderSpace[], ctx: PathContext, overlays: Overlay[], calls: Calls): FilterResult {
  const decided: Decided[] = [];
  const returned: Returned[] = [];
  let remaining = flows;

  for (const rule of candidateRules(inDecisionOrder(filter), flows)) {
    if (remaining.length === 0) break;
    if (!rule.enabled || !appliesTo(rule, ctx)) continue;
    const action = rule.action;
    if (action.type === 'continue') continue;
    const effect = action.type === 'permit' || action.type === 'deny' ? action.type : 'unknown';
    const possible = rule.match.possibleFlows;
    if (possible && possible.length > 0) {
      const maybe = subtractFlows(intersectFlows(remaining, possible), rule.match.flows);
      if (maybe.length > 0) overlays.push({ rule, flows: maybe, effect, stage: 0 });
    }
    const hit = intersectFlows(remaining, rule.match.flows);
    if (hit.length === 0) continue;
    if ((rule.uncertain.length > 0 && !possible) || action.type === 'unknown') {
      overlays.push({ rule, flows: hit, effect, stage: 0 });
      continue;
    }
    remaining = subtractFlows(remaining, rule.match.flows);
    switch (action.type) {
      case 'permit':
      case 'deny':
        decided.push({ flows: hit, decision: action.type, decider: { filter, rule, via: [] } });
        break;
      case 'return':
        returned.push({ flows: hit, by: [{ filter, rule }] });
        break;
      case 'call':
      case 'goto': {
        const jump: Jump = { filter, rule };
        const sub = callFilter(device, jump, action.filter, hit, ctx, overlays, calls);
        for (const d of sub.decided) decided.push({ ...d, decider: { ...d.decider, via: [jump, ...d.decider.via] } });
        // After a call, returned flows go on with the next rule here; after a goto, they return to our caller.
        if (action.type === 'call') remaining = [...remaining, ...sub.returned.flatMap((r) => r.flows)];
        else returned.push(...sub.returned.map((r) => ({ flows: r.flows, by: [jump, ...r.by] })));
        break;
      }
    }
  }

  if (remaining.length > 0) {
    if (filter.defaultAction === 'return') returned.push({ flows: remaining, by: [] });
    else decided.push({ flows: remaining, decision: filter.defaultAction, decider: { filter, via: [] } });
  }
  return { decided, returned };
}

/**
 * The result of the filter `jump` goes to for `flows`, evaluated once per distinct flow set. A repeat adds no
 * overlays: the first evaluation already recorded the same ones.
 */
function callFilter(device: Device, jump: Jump, id: string, flows: HeaderSpace[], ctx: PathContext, overlays: Overlay[], calls: Calls): FilterResult {
  const where = `${device.file}:${jump.rule.origin.line}`;
  const target = device.filters.get(id);
  if (!target) throw new Error(`${where}: ${jump.filter.name} jumps to unknown filter ${id}`);
  if (calls.active.has(target)) throw new Error(`${where}: ${jump.filter.name} jumps back to ${target.name}, which is still being evaluated (a loop)`);
  const done = calls.done.get(target) ?? [];
  const known = done.find((d) => sameFlows(d.flows, flows));
  if (known) return known.result;
  calls.active.add(target);
  const result = evaluateFilter(device, target, flows, ctx, overlays, calls);
  calls.active.delete(target);
  done.push({ flows, result });
  calls.done.set(target, done);
  return result;
}

function sameFlows(a: FlowSet, b: FlowSet): boolean {
  return subtractFlows(a, b).length === 0 && subtractFlows(b, a).length === 0;
}

const decisionOrders = new WeakMap<Filter, Filter>();

/**
 * The filter with its rules in the order first-match evaluation must see them to reproduce its decision
 * model. Block-over-allow (Windows) is first-match over the rules ranked permit-that-overrides-block, then
 * deny, then permit, each rank keeping its export order (which only decides which of several equally strong
 * rules is named as the decider).
 */
export function inDecisionOrder(filter: Filter): Filter {
  if (filter.model === 'first-match') return filter;
  let ordered = decisionOrders.get(filter);
  if (!ordered) {
    const rank = (r: Rule) => (r.action.type === 'permit' && r.overridesBlock ? 0 : r.action.type === 'deny' ? 1 : 2);
    const rules = filter.rules.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
    ordered = { ...filter, rules };
    decisionOrders.set(filter, ordered);
  }
  return ordered;
}

/**
 * An uncertain rule U at stage k, reached by flows H, would have done `effect` to them. A final verdict on
 * part of H depends on U exactly when U matching would have changed it:
 * - U denies: flows finally permitted would have been denied;
 * - U permits: flows denied at stage k would have passed stage k (a later stage's deny stands either way);
 * - U jumps somewhere: both of the above may happen.
 */
function applyOverlay(outcomes: Outcome[], overlay: Overlay): Outcome[] {
  const out: Outcome[] = [];
  const why = overlay.rule.action.type === 'unknown' ? [...overlay.rule.uncertain, `target ${overlay.rule.action.target}`] : overlay.rule.uncertain;
  const reason = `${why.join('; ')} (${overlay.rule.origin.file}:${overlay.rule.origin.line})`;
  for (const o of outcomes) {
    const depends =
      (overlay.effect !== 'permit' && o.decision === 'permit') ||
      (overlay.effect !== 'deny' && o.decision === 'deny' && o.stage === overlay.stage);
    // A rule reached on several paths (a chain jumped to more than once) is one doubt, not several.
    const known = o.uncertainty.some((u) => u.rule === overlay.rule);
    const part = depends && !known ? intersectFlows(o.flows, overlay.flows) : [];
    if (part.length === 0) {
      out.push(o);
      continue;
    }
    const rest = subtractFlows(o.flows, overlay.flows);
    if (rest.length > 0) out.push({ ...o, flows: rest });
    out.push({ ...o, flows: part, uncertainty: [...o.uncertainty, { reason, rule: overlay.rule }] });
  }
  return out;
}

import { createHash } from 'node:crypto';
import type { Origin } from '../model/rule-graph.js';
import { byCodePoints } from '../model/order.js';
import type { Decider } from '../engine/evaluate.js';
import type { DecidedPart } from './flow-query.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export const REQUIREMENT_STATUSES = ['satisfied', 'partial', 'missing', 'uncertain', 'not-applicable', 'obsolete'] as const;
export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];

/** A line of a configuration that a verdict rests on, and what it did. */
export interface Evidence {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** `shadowed`: a permit that would decide the flow but never can, because the blocking rule comes first. */
  readonly effect: 'permits' | 'blocks' | 'uncertain' | 'translates' | 'context' | 'shadowed';
  /**
   * Set on a filter's default that no line declares (an ACL's implicit deny): `line` is then the filter's header and
   * `text` a description in parentheses, not configuration text. Consumers test this flag, never the text.
   */
  readonly implicit?: true;
}

/** A flow in words a reviewer can check against the documentation row. */
export interface FlowDescription {
  readonly protocol: string;
  readonly from: string;
  readonly to: string;
  readonly src: readonly string[];
  readonly dst: readonly string[];
  readonly dport: string;
  readonly sport?: string;
}

export interface Finding {
  /** Stable across runs and line moves: derived from check, requirement and flow, never from line numbers. */
  readonly id: string;
  readonly check: string;
  readonly severity: Severity;
  readonly requirement?: string;
  readonly citation?: string;
  readonly message: string;
  readonly file: string;
  readonly flow: FlowDescription;
  readonly evidence: readonly Evidence[];
}

export function fingerprint(check: string, requirement: string | undefined, flow: FlowDescription): string {
  // Before edge-audit defined the Internet, an Internet end was written "any": ids (and so baselines) made then still match.
  const ends = (a: readonly string[]) => (a.length === 1 && a[0] === 'internet' ? ['any'] : a);
  const canonical = JSON.stringify([check, requirement ?? '', flow.protocol, flow.from, flow.to, ends(flow.src), ends(flow.dst), flow.dport, flow.sport ?? '']);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function originEvidence(origin: Origin, effect: Evidence['effect']): Evidence {
  return { file: origin.file, line: origin.line, text: origin.text, effect };
}

/**
 * The rule that decided, or the filter's default (where the policy is declared, else the filter's own header),
 * preceded by the jumps that led there (and, for a default, the goto and RETURN rules that sent the flow back to
 * it), so a reviewer sees why the deciding chain was reached at all.
 */
export function deciderEvidence(d: Decider, decision: 'permit' | 'deny', file: string): Evidence[] {
  const effect = decision === 'permit' ? 'permits' : 'blocks';
  const jumps = [...d.via, ...(d.returnedBy ?? [])].map((j) => originEvidence(j.rule.origin, 'context'));
  if (d.rule) return [...jumps, originEvidence(d.rule.origin, effect)];
  if (d.filter.defaultOrigin) return [...jumps, originEvidence(d.filter.defaultOrigin, effect)];
  const implicit: Evidence = {
    file: d.filter.origin?.file ?? file,
    line: d.filter.origin?.line ?? 1,
    text: `(implicit ${decision} at the end of ${d.filter.name})`,
    effect,
    implicit: true,
  };
  return [...jumps, implicit];
}

/**
 * Who permits (or blocks) each part of a verdict, and the address translations the verdict was reached through.
 * A part no filter decided because the firewall is turned off rests on the line that turns it off.
 */
export function partsEvidence(parts: readonly DecidedPart[], decision: 'permit' | 'deny', file: string): Evidence[] {
  return parts.flatMap((p) => [
    ...p.translations.map((t) => originEvidence(t.origin, 'translates')),
    ...(p.decidedBy ? deciderEvidence(p.decidedBy, decision, file) : []),
    ...(p.firewallOff ? [originEvidence(p.firewallOff, decision === 'permit' ? 'permits' : 'blocks')] : []),
  ]);
}

/** The uncertain rules that the verdict on these parts depends on. */
export function uncertaintyEvidence(parts: readonly DecidedPart[]): Evidence[] {
  return parts.flatMap((p) => p.uncertainty.flatMap((u) => (u.rule ? [originEvidence(u.rule.origin, 'uncertain')] : [])));
}

/** Evidence without repeats, in file order. */
export function uniqueEvidence(items: Iterable<Evidence>): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of items) {
    const key = `${e.file}:${e.line}:${e.effect}`;
    if (!seen.has(key)) seen.set(key, e);
  }
  return [...seen.values()].sort((a, b) => byCodePoints(a.file, b.file) || a.line - b.line);
}

import type { AddressSet } from '../model/address-set.js';
import { Ports } from '../model/header-space.js';
import type { Device, Rule } from '../model/rule-graph.js';
import type { DecidedPart } from '../audit/flow-query.js';
import { originEvidence, type Evidence } from '../audit/result.js';
import { afterRule } from './after-rule.js';

/** "blocked by line 26 (-A …)" / "blocked by the default policy of FORWARD (line 4)" — for messages. */
export function describeBlockers(parts: readonly DecidedPart[]): string {
  const names = new Set<string>();
  for (const p of parts) {
    const d = p.decidedBy;
    if (!d) names.add('no filter on the path');
    else if (d.rule) names.add(`line ${d.rule.origin.line} (${d.filter.name})`);
    else names.add(`the default ${d.filter.defaultOrigin ? `policy of ${d.filter.name} (line ${d.filter.defaultOrigin.line})` : `deny at the end of ${d.filter.name}`}`);
  }
  return `blocked by ${[...names].join(', ')}`;
}

/** How many uncovered parts a report lists before it says how many more there are. */
export const MAX_UNCOVERED_PARTS = 20;

/**
 * The uncovered parts of a flow, each as destination ports, addresses and what blocks it. `name` puts addresses in
 * words (relative to the Internet: see nameAddresses).
 */
export function describeUncovered(parts: readonly DecidedPart[], name: (a: AddressSet) => string): string[] {
  const all = parts.flatMap((p) => p.flows.map((h) => ({ h, p })));
  const shown = all.slice(0, MAX_UNCOVERED_PARTS).map(({ h, p }) => `port ${Ports.format(h.dport)} from ${name(h.src)} to ${name(h.dst)} (${describeBlockers([p])})`);
  return all.length > shown.length ? [...shown, `and ${all.length - shown.length} more parts`] : shown;
}

/**
 * The permit rules a blocking rule shadows for these parts: each would have let part of the blocked flows through
 * had the blocking rule not come first. A reviewer then sees the rule that was meant to open the flow beside the
 * one that closes it, instead of searching the export for a permit that "should" have matched.
 */
export function shadowedPermits(device: Device, parts: readonly DecidedPart[]): Rule[] {
  const rules = new Set<Rule>();
  for (const p of parts) {
    if (!p.decidedBy?.rule) continue;
    for (const { rule } of afterRule(device, p.path, p.decidedBy, p.flows).permits) rules.add(rule);
  }
  return [...rules];
}

export function shadowedEvidence(rules: readonly Rule[]): Evidence[] {
  return rules.map((r) => originEvidence(r.origin, 'shadowed'));
}

/** ", shadowing the permit at line 27 (LYNC-EXT)" — empty when the blocker shadows nothing. */
export function describeShadowed(rules: readonly Rule[]): string {
  if (rules.length === 0) return '';
  return `, shadowing the permit${rules.length > 1 ? 's' : ''} at ${rules.map((r) => `line ${r.origin.line}`).join(', ')}`;
}

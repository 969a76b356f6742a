import type { AddressSet } from '../model/address-set.js';
import { Ports } from '../model/header-space.js';
import type { DecidedPart } from '../audit/flow-query.js';

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

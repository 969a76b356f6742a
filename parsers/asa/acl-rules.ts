/**
 * An access-list's entries → rules, in order. Shared by the running-config and the `show access-list` readers.
 *
 * Each entry is one rule, id `ACL/LINE` with the ASA's own line number (remarks count, as `show access-list`
 * numbers them), disabled when `inactive`, wholly uncertain for a time range or user identity. An entry naming
 * members whose addresses are not in the export (an FQDN object) certainly matches its known members and possibly
 * what those members resolve to (`possibleFlows`); with a time range too, all of it is doubtful.
 */
import { subtractFlows } from '../../src/model/header-space.js';
import type { Diagnostic, Origin, Rule, RuleMatch } from '../../src/model/rule-graph.js';
import type { Ace } from './acl.js';
import type { Acl } from './model.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function aclRules(acl: Acl, file: string, diagnostics: Diagnostic[]): Rule[] {
  const rules: Rule[] = [];
  for (const entry of acl.entries) {
    const { ace, line } = entry;
    const id = `${acl.name}/${entry.number}`;
    const origin: Origin = { file, line: line.line, text: line.text };
    const reasons = ace.unresolved ? [...ace.uncertain, ...ace.unresolved.reasons] : ace.uncertain;
    const rule: Mutable<Rule> = {
      id,
      action: { type: ace.action },
      match: aceMatch(ace),
      enabled: !ace.inactive,
      uncertain: reasons,
      comment: entry.remark,
      origin,
    };
    rules.push(rule);
    if (ace.inactive) diagnostics.push({ line: line.line, level: 'info', message: `${id} is inactive: it matches nothing` });
    else for (const reason of reasons) diagnostics.push({ line: line.line, level: 'warning', message: `${id}: ${reason}` });
  }
  return rules;
}

/** The entry's certain flows, and what its unresolved members may add; one doubtful match when the entry itself is. */
function aceMatch(ace: Ace): RuleMatch {
  if (!ace.unresolved) return { flows: ace.flows };
  // `unresolved.flows` is every flow the entry may match, its known members included.
  if (ace.uncertain.length > 0) return { flows: ace.unresolved.flows };
  return { flows: ace.flows, possibleFlows: subtractFlows(ace.unresolved.flows, ace.flows) };
}

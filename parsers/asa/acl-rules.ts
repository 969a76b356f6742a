/**
 * An access-list's entries → rules, in order. Shared by the running-config and the `show access-list` readers.
 *
 * Each entry is one rule, id `ACL/LINE` with the ASA's own line number (remarks count, as `show access-list`
 * numbers them), disabled when `inactive`, uncertain for a time range or user identity. An entry naming members
 * whose addresses are not in the export (an FQDN object) gets a second rule right after it, `ACL/LINE/unresolved`,
 * for what those members may match: the known members stay exact.
 */
import type { Diagnostic, Origin, Rule } from '../../src/model/rule-graph.js';
import type { Acl } from './model.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function aclRules(acl: Acl, file: string, diagnostics: Diagnostic[]): Rule[] {
  const rules: Rule[] = [];
  for (const entry of acl.entries) {
    const { ace, line } = entry;
    const id = `${acl.name}/${entry.number}`;
    const origin: Origin = { file, line: line.line, text: line.text };
    const rule: Mutable<Rule> = {
      id,
      action: { type: ace.action },
      match: { flows: ace.flows },
      enabled: !ace.inactive,
      uncertain: ace.uncertain,
      comment: entry.remark,
      origin,
    };
    rules.push(rule);
    const reasons = [...ace.uncertain, ...(ace.unresolved?.reasons ?? [])];
    if (ace.inactive) diagnostics.push({ line: line.line, level: 'info', message: `${id} is inactive: it matches nothing` });
    else for (const reason of reasons) diagnostics.push({ line: line.line, level: 'warning', message: `${id}: ${reason}` });
    if (ace.unresolved) rules.push({ ...rule, id: `${id}/unresolved`, match: { flows: ace.unresolved.flows }, uncertain: reasons });
  }
  return rules;
}

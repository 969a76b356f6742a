import { intersectFlows, Ports, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Family } from '../model/address-set.js';
import { mayMatch, type Filter, type Rule } from '../model/rule-graph.js';
import { evaluatePath } from '../engine/evaluate.js';
import { appliesTo } from '../engine/path-context.js';
import { candidateRules } from '../engine/rule-index.js';
import { internetEnd, type AuditContext } from '../audit/context.js';
import { pathContext, queryPaths, type FlowEnd, type QueryPath } from '../audit/flow-query.js';
import { originEvidence, type Finding } from '../audit/result.js';
import { edgeRoles } from './any-rule.js';
import { finding, type Check } from './check.js';

/**
 * Every enabled inbound allow rule with edge traversal is evaluated on its own, narrowed to the flows from the
 * Internet to each Edge role, and reported only where those flows are permitted: a rule a block overrides opens
 * nothing. ICMPv6 rules are only weighed against IPv6 addresses and ICMPv4 rules against IPv4 ones, so the
 * Core Networking ICMPv6 rules that carry Edge=TRUE on every Windows host are not blamed for an IPv4-only Edge.
 */
export const edgeTraversal: Check = {
  id: 'edge-traversal',
  title: 'Edge traversal allowed to an Edge',
  description:
    'An inbound allow rule with edge traversal (Windows Edge=TRUE, EdgeTraversalPolicy Allow, DeferToApp or DeferToUser) reaches an Edge role: unsolicited traffic from the Internet relayed through NAT traversal (Teredo) may reach the Edge server on those ports, around the perimeter firewall that should open only the documented ones. ICMP alone (the Core Networking rules Windows enables with edge traversal by default) is info: it opens no service.',
  defaultSeverity: 'medium',
  cites: 'New-NetFirewallRule -EdgeTraversalPolicy ([MS-FASP] FW_RULE_FLAGS_ROUTEABLE_ADDRS_TRAVERSE); Lync Server 2013 Edge port summaries: only the documented ports, from the Internet only through the external firewall',
  run({ ctx }) {
    const found = new Map<string, Finding>();
    const internet = internetEnd(ctx);
    for (const to of edgeRoles(ctx)) {
      const { paths } = queryPaths(ctx.device, ctx.placement, { from: internet, to, protocols: Protocols.any(), dport: Ports.any() });
      for (const qp of paths) {
        for (const { filter, rule, reached, certain } of traversingRules(ctx, qp)) {
          const f = traversalFinding(this, ctx, filter, rule, to, reached, certain);
          found.set(f.id, f);
        }
      }
    }
    return [...found.values()];
  },
};

interface Traversal {
  readonly filter: Filter;
  readonly rule: Rule;
  readonly reached: HeaderSpace[];
  readonly certain: boolean;
}

function* traversingRules(ctx: AuditContext, qp: QueryPath): Generator<Traversal> {
  const pathCtx = pathContext(qp.path);
  for (const filter of qp.path.filters) {
    for (const rule of candidateRules(filter, [qp.space])) {
      if (!rule.enabled || !rule.edgeTraversal || rule.action.type !== 'permit' || !appliesTo(rule, pathCtx)) continue;
      // What the rule may match counts: a possible match possibly lets unsolicited traffic in.
      const own = intersectFlows([qp.space], mayMatch(rule.match).filter((h) => carriesFamily(h, qp.family)));
      if (own.length === 0) continue;
      // Several allow rules may match a flow; if any of them traverses the edge, unsolicited traffic of that flow
      // is let in. So what counts is that the flow is permitted at all, not which allow rule is named for it.
      const open = evaluatePath(ctx.device, qp.path.filters, own, pathCtx).filter((o) => o.decision === 'permit' || o.uncertainty.some((u) => u.rule === rule));
      if (open.length === 0) continue;
      // Certain only for flows the rule matches for certain (all of them, unless its match is doubtful).
      const surely = rule.uncertain.length === 0 || rule.match.possibleFlows ? rule.match.flows : [];
      const certain = open.some((o) => o.decision === 'permit' && o.uncertainty.length === 0 && intersectFlows(o.flows, surely).length > 0);
      yield { filter, rule, reached: open.flatMap((o) => o.flows), certain };
    }
  }
}

const ICMPV4 = 1n;
const ICMPV6 = 58n;
const ICMP = Protocols.only(1, 58);

/** ICMPv4 travels only over IPv4 and ICMPv6 only over IPv6; a space of one of them alone says nothing about the other family. */
function carriesFamily(h: HeaderSpace, family: Family): boolean {
  const only = (p: bigint) => h.proto.has(p) && h.proto.isSubsetOf(Protocols.only(Number(p)));
  return family === 'ipv4' ? !only(ICMPV6) : !only(ICMPV4);
}

function traversalFinding(check: Check, ctx: AuditContext, filter: Filter, rule: Rule, to: FlowEnd, reached: readonly HeaderSpace[], certain: boolean): Finding {
  const proto = reached.map((h) => h.proto).reduce((a, b) => a.union(b));
  const dport = reached.map((h) => h.dport).reduce((a, b) => a.union(b));
  const fields = mayMatch(rule.match);
  const addresses = (pick: (h: HeaderSpace) => HeaderSpace['src']) => fields.flatMap((h) => (pick(h).isAnyOfItsFamilies() ? ['any'] : pick(h).toStrings()));
  // ICMP relayed through Teredo (the Core Networking error and neighbour-discovery rules that Windows enables with edge
  // traversal by default, for Teredo to work at all) opens no service to the Internet: worth knowing, no more.
  const icmpOnly = proto.isSubsetOf(ICMP);
  return finding({
    check: check.id,
    severity: icmpOnly ? 'info' : certain ? check.defaultSeverity : 'low',
    citation: check.cites,
    file: ctx.device.file,
    // The rule's own fields, not its line, identify the finding across edits.
    flow: {
      protocol: `${Protocols.format(proto)} [edge traversal]`,
      from: 'internet',
      to: to.role,
      src: addresses((h) => h.src),
      dst: addresses((h) => h.dst),
      dport: fields.map((h) => Ports.format(h.dport)).join(' | '),
    },
    message: `line ${rule.origin.line} (${filter.name}${rule.name ? `, "${rule.name}"` : ''}) allows edge traversal: unsolicited ${Protocols.format(proto)} ${proto.isSubsetOf(ICMP) ? `type ${Ports.format(dport)}` : `port ${Ports.format(dport)}`} from the Internet ${certain ? '' : 'possibly '}reaches ${to.role}${to.addresses ? ` (${to.addresses.toString()})` : ''} through NAT traversal (Teredo), past the perimeter firewall.${rule.scope ? ` The rule is limited to ${rule.scope}.` : ''}${icmpOnly ? ' Only ICMP messages: no service is opened.' : ''}`,
    evidence: [originEvidence(rule.origin, certain ? 'permits' : 'uncertain')],
  });
}

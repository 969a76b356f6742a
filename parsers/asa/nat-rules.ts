/**
 * Translation (one ASA NAT statement) → NatRule (the vendor-independent form), kept in the ASA's lookup order.
 *
 * A statement translates traffic from its real side: the source (and, for twice NAT, the destination). A static
 * statement is bidirectional: traffic arriving on the mapped side for the mapped address has its destination
 * translated back to the real address (object static NAT publishing a server), and for twice NAT its source too.
 * Dynamic NAT and PAT translate only sources, only from the real side. A statement applies between its two interfaces
 * (`any` = every interface): from the real to the mapped one, and back.
 *
 * When filters see the translated flow (NatRule.seenFromStage): from 8.3 on, access-lists name real addresses, so
 * a destination translated back to its real address is seen that way by every filter (stage 0), while a source
 * is translated only on the way out (Infinity). Before 8.3, access-lists name addresses as they arrive: Infinity.
 */
import { AddressSet } from '../../src/model/address-set.js';
import { Ports, Protocols } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { NatRule, Origin } from '../../src/model/rule-graph.js';
import { product } from './acl.js';
import type { PortMap, Translation } from './model.js';
import type { Service } from './objects.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ANY = AddressSet.any();
const ANY_SERVICE: Service = { proto: Protocols.any(), sport: Ports.any(), dport: Ports.any() };

/** One side's port translation: which port dimension it matches and what it becomes. */
type PortSide = PortMap['fromReal'];

interface Match {
  readonly src: AddressSet;
  readonly dst: AddressSet;
  readonly inInterface: string | undefined;
  readonly outInterface: string | undefined;
  readonly ports: PortSide | undefined;
}

export function natRules(translations: readonly Translation[], aclsNameRealAddresses: boolean, file: string): NatRule[] {
  const out: NatRule[] = [];
  for (const t of translations) {
    const origin: Origin = { file, line: t.line.line, text: t.line.text };
    const add = (side: 'from-real' | 'from-mapped', kind: NatRule['kind'], match: Match, toAddresses: AddressSet | undefined, toPorts: IntervalSet | undefined) => {
      const service: Service = match.ports ? { ...ANY_SERVICE, proto: t.ports!.proto, [match.ports.dim]: match.ports.match } : ANY_SERVICE;
      const r: Mutable<NatRule> = {
        id: `nat/${t.line.line}/${side}/${kind}`,
        kind,
        match: {
          flows: product(match.src, match.dst, [service]),
          ...(match.inInterface ? { inInterface: { names: [match.inInterface], negated: false } } : {}),
          ...(match.outInterface ? { outInterface: { names: [match.outInterface], negated: false } } : {}),
        },
        seenFromStage: aclsNameRealAddresses && kind === 'destination' ? 0 : Infinity,
        enabled: t.enabled,
        origin,
      };
      // An identity translation (NAT exemption) changes nothing, but as the first match it keeps later rules off these flows.
      if (toAddresses && !toAddresses.equals(kind === 'source' ? match.src : match.dst)) r.toAddresses = toAddresses;
      if (toPorts) r.toPorts = toPorts;
      out.push(r);
    };
    const portsTo = (side: PortSide | undefined, dim: PortSide['dim']) => (side?.dim === dim ? side.to : undefined);

    const fromReal = t.ports?.fromReal;
    const forward: Match = { src: t.realSource, dst: t.mappedDestination ?? ANY, inInterface: t.realIf, outInterface: t.mappedIf, ports: fromReal };
    add('from-real', 'source', forward, t.mappedSource, portsTo(fromReal, 'sport'));
    if (t.realDestination || fromReal?.dim === 'dport') add('from-real', 'destination', forward, t.realDestination, portsTo(fromReal, 'dport'));
    if (!t.bidirectional) continue;
    const fromMapped = t.ports?.fromMapped;
    const reverse: Match = { src: t.realDestination ?? ANY, dst: t.mappedSource, inInterface: t.mappedIf, outInterface: t.realIf, ports: fromMapped };
    add('from-mapped', 'destination', reverse, t.realSource, portsTo(fromMapped, 'dport'));
    if (t.mappedDestination || fromMapped?.dim === 'sport') add('from-mapped', 'source', reverse, t.mappedDestination, portsTo(fromMapped, 'sport'));
  }
  return out;
}

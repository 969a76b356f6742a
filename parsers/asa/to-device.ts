/**
 * The ASA vendor model → the vendor-independent Device.
 *
 * How the ASA decides a routed flow (Cisco ASA Series Firewall CLI Configuration Guide, "Access Rules"):
 * - "Interface access rule, global access rule, implicit deny": the ingress interface's inbound access-list
 *   (`access-group X in interface IF`), then the global one (`access-group G global`, inbound on every
 *   interface), then the implicit deny. Then the egress interface's outbound access-list (`access-group Y out
 *   interface IF`), which ends in its own implicit deny.
 * - "Implicit permits": without any access rule for its ingress interface, a flow may go from a higher to a
 *   lower security level; an access-list (interface or global) replaces that permit.
 * - "By default, interfaces on the same security level cannot communicate with each other, and packets cannot
 *   enter and exit the same interface" ("Allow Same Security Level Communication"), unless `same-security-traffic
 *   permit inter-interface` / `intra-interface`; the guide makes no exception for traffic an access-list permits.
 * - A `management-only` interface takes no through traffic.
 *
 * So each active interface gets one Filter on `forward` at stage 10 for flows entering on it: its access-list's
 * entries, then a `goto` into the global access-list (a Filter without attachment whose flows falling off its end
 * come back to the implicit deny), then the implicit deny; or, with no access-list at all, "security-level IF"
 * permitting flows toward lower levels. Outbound access-lists are Filters at stage 30 on the egress interface.
 * Traffic to the ASA itself is not filtered by access-lists. Its management plane is one filter on `input`: a permit
 * per `ssh|http|telnet ADDR MASK IF` line (the sources that may use the service, to IF's own addresses, arriving on
 * IF), then an implicit deny ("Management Access": the ASA answers these services only to the hosts the lines name).
 * Other services of the ASA itself (ICMP, VPN) are not read.
 */
import { basename, extname } from 'node:path';
import type { Family } from '../../src/model/address-set.js';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';
import type { Device, Diagnostic, Filter, FilterAttachment, NetworkInterface, Origin, Route, Rule } from '../../src/model/rule-graph.js';
import type { ConfigLine } from './config-lines.js';
import { ASA_VENDOR, type AccessGroup, type AsaConfig, type AsaInterface } from './model.js';
import { aclRules } from './acl-rules.js';
import { natRules } from './nat-rules.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const EVERY_FLOW = [headerSpace({})];
const INBOUND_STAGE = 10;
const OUTBOUND_STAGE = 30;
const MANAGEMENT_ONLY_STAGE = 5;

export function toDevice(config: AsaConfig, file: string): Device {
  return new DeviceBuilder(config, file).build();
}

class DeviceBuilder {
  private readonly diagnostics: Diagnostic[];
  private readonly filters = new Map<string, Filter>();
  private readonly aclRules = new Map<string, Rule[]>();

  constructor(
    private readonly config: AsaConfig,
    private readonly file: string,
  ) {
    this.diagnostics = [...config.diagnostics];
  }

  build(): Device {
    const { config, file } = this;
    const global = config.accessGroups.find((g) => g.direction === 'global');
    if (global) this.add({ id: `global/${global.acl}`, name: global.acl, model: 'first-match', rules: this.rulesOf(global.acl), defaultAction: 'return', origin: this.origin(global.line) });
    for (const i of config.interfaces) {
      this.add(this.inbound(i, global));
      const out = config.accessGroups.filter((g) => g.direction === 'out' && g.nameif === i.nameif);
      if (out.length) this.add(this.aclFilter(`out/${i.nameif}`, out, { hooks: ['forward'], stage: OUTBOUND_STAGE, outInterface: i.nameif }, [], []));
      if (i.managementOnly) this.managementOnly(i, i.managementOnly);
    }
    this.add(this.managementPlane());
    for (const acl of config.acls.values()) {
      if (!this.aclRules.has(acl.name) && acl.entries.length > 0) {
        this.diagnostics.push({ line: acl.firstLine.line, level: 'info', message: `access-list ${acl.name} is not applied by any access-group (NAT, VPN or inspection use it): it filters no traffic here` });
      }
    }
    const families: Family[] = config.usesIpv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
    this.diagnostics.sort((a, b) => a.line - b.line);
    return {
      name: config.hostname ?? basename(file, extname(file)),
      vendor: ASA_VENDOR,
      appliance: true,
      file,
      families,
      interfaces: config.interfaces.map((i) => this.networkInterface(i)),
      filters: this.filters,
      nat: natRules(config.translations, config.aclsNameRealAddresses, file),
      routes: this.routes(),
      diagnostics: this.diagnostics,
    };
  }

  /** The filter for flows entering on `i` (see the module comment). */
  private inbound(i: AsaInterface, global: AccessGroup | undefined): Filter {
    const attachment: FilterAttachment = { hooks: ['forward'], stage: INBOUND_STAGE, inInterface: i.nameif };
    const own = this.config.accessGroups.filter((g) => g.direction === 'in' && g.nameif === i.nameif);
    const toGlobal: Rule[] = global
      ? [{ id: `in/${i.nameif}/global`, action: { type: 'goto', filter: `global/${global.acl}` }, match: { flows: EVERY_FLOW }, enabled: true, uncertain: [], origin: this.origin(global.line) }]
      : [];
    if (own.length) return this.aclFilter(`in/${i.nameif}`, own, attachment, this.sameSecurityDeny(i), toGlobal);
    if (global) {
      return { id: `in/${i.nameif}`, name: `inbound ${i.nameif}`, model: 'first-match', rules: [...this.sameSecurityDeny(i), ...toGlobal], defaultAction: 'deny', defaultOrigin: this.origin(global.line), attachment, origin: this.origin(global.line) };
    }
    return this.securityLevelFilter(i, attachment);
  }

  /**
   * The access-lists attached by `groups` (one, or before 9.0 an IPv4 and an `ipv6 access-list`, whose entries never
   * match each other's family), between the rules the ASA applies before them and after them.
   */
  private aclFilter(id: string, groups: readonly AccessGroup[], attachment: FilterAttachment, before: Rule[], after: Rule[]): Filter {
    const origin = this.origin(groups[0]!.line);
    const rules = [...before, ...groups.flatMap((g) => this.rulesOf(g.acl)), ...after];
    return { id, name: groups.map((g) => g.acl).join(' + '), model: 'first-match', rules, defaultAction: 'deny', defaultOrigin: origin, attachment, origin };
  }

  /** "security-level IF": with no access-list for its traffic, an interface lets flows go to lower levels only. */
  private securityLevelFilter(i: AsaInterface, attachment: FilterAttachment): Filter {
    const { inter, intra } = this.config.sameSecurity;
    const reachable = this.config.interfaces
      .filter((o) => (o === i ? intra !== undefined : o.securityLevel < i.securityLevel || (o.securityLevel === i.securityLevel && inter !== undefined)))
      .map((o) => o.nameif);
    const origin = this.origin(i.levelOrigin);
    const rules: Rule[] = reachable.length
      ? [{ id: `security-level/${i.nameif}/lower`, action: { type: 'permit' }, match: { flows: EVERY_FLOW, outInterface: { names: reachable, negated: false } }, enabled: true, uncertain: [], comment: `to interfaces at a lower security level than ${i.securityLevel}${inter ? ' or the same' : ''}`, origin }]
      : [];
    return { id: `in/${i.nameif}`, name: `security-level ${i.nameif}`, model: 'first-match', rules, defaultAction: 'deny', defaultOrigin: origin, attachment, origin };
  }

  /** Interfaces at the same level (and the interface itself) that traffic from `i` cannot reach without `same-security-traffic`. */
  private sameSecurityDeny(i: AsaInterface): Rule[] {
    const { inter, intra } = this.config.sameSecurity;
    const blocked = this.config.interfaces
      .filter((o) => (o === i ? intra === undefined : o.securityLevel === i.securityLevel && inter === undefined))
      .map((o) => o.nameif);
    if (blocked.length === 0) return [];
    return [
      {
        id: `in/${i.nameif}/same-security`,
        action: { type: 'deny' },
        match: { flows: EVERY_FLOW, outInterface: { names: blocked, negated: false } },
        enabled: true,
        uncertain: [],
        comment: `security level ${i.securityLevel}: no same-security-traffic permit ${blocked.length === 1 && blocked[0] === i.nameif ? 'intra-interface' : 'inter-interface'}`,
        origin: this.origin(i.levelOrigin),
      },
    ];
  }

  private managementOnly(i: AsaInterface, line: ConfigLine): void {
    const origin = this.origin(line);
    for (const [side, attachment] of [
      ['in', { hooks: ['forward'], stage: MANAGEMENT_ONLY_STAGE, inInterface: i.nameif }],
      ['out', { hooks: ['forward'], stage: MANAGEMENT_ONLY_STAGE, outInterface: i.nameif }],
    ] as const) {
      this.add({ id: `management-only/${i.nameif}/${side}`, name: `management-only ${i.nameif}`, model: 'first-match', rules: [], defaultAction: 'deny', defaultOrigin: origin, attachment, origin });
    }
  }

  /** The `ssh`, `http` and `telnet` lines as permits of the flows to the ASA itself (see the module comment). */
  private managementPlane(): Filter {
    const rules = this.config.managementAccess.map((m, n): Rule => {
      const own = this.config.interfaces.find((i) => i.nameif === m.nameif)?.addresses ?? AddressSet.NONE;
      const flows = m.sources.families().map((family) => {
        const dst = own.only(family);
        return headerSpace({ family, src: m.sources.only(family), dst: dst.isEmpty() ? AddressSet.any(family) : dst, proto: Protocols.only(6), dport: Ports.range(m.port) });
      });
      return { id: `management/${n + 1}`, action: { type: 'permit' }, match: { flows, inInterface: { names: [m.nameif], negated: false } }, enabled: true, uncertain: [], name: `${m.service} on ${m.nameif}`, deviceService: m.service, origin: this.origin(m.line) };
    });
    return { id: 'management', name: 'management access', model: 'first-match', rules, defaultAction: 'deny', attachment: { hooks: ['input'], stage: INBOUND_STAGE } };
  }

  /** An ACL's entries as rules, built once however many interfaces it is applied to. */
  private rulesOf(name: string): Rule[] {
    let rules = this.aclRules.get(name);
    if (!rules) this.aclRules.set(name, (rules = aclRules(this.config.acls.get(name)!, this.file, this.diagnostics)));
    return rules;
  }

  private networkInterface(i: AsaInterface): NetworkInterface {
    const out: Mutable<NetworkInterface> = { name: i.nameif, zone: i.nameif, securityLevel: i.securityLevel, origin: this.origin(i.head) };
    if (!i.addresses.isEmpty()) out.addresses = i.addresses;
    return out;
  }

  private routes(): Route[] {
    const connected = this.config.interfaces.flatMap((i) => i.networks.map((n) => ({ interface: i.nameif, destination: n.destination, connected: true, origin: this.origin(n.line) })));
    const configured = this.config.routes.map((r) => ({ interface: r.nameif, destination: r.destination, connected: false, origin: this.origin(r.line) }));
    return [...connected, ...configured];
  }

  private add(filter: Filter): void {
    this.filters.set(filter.id, filter);
  }

  private origin(line: ConfigLine): Origin {
    return { file: this.file, line: line.line, text: line.text };
  }
}

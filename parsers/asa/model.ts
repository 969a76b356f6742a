/**
 * The ASA vendor model: what a running-config says, with objects, groups and names already resolved to
 * address, port and protocol sets, but with the ASA's own structure kept (ACLs, access-groups, security
 * levels, NAT statements). to-device.ts turns it into the vendor-independent Device.
 */
import type { AddressSet } from '../../src/model/address-set.js';
import type { IntervalSet } from '../../src/model/interval-set.js';
import type { Diagnostic } from '../../src/model/rule-graph.js';
import type { Ace } from './acl.js';
import type { ConfigLine } from './config-lines.js';

/** The vendor name of ASA devices: what reports show and what `--vendor` takes. */
export const ASA_VENDOR = 'asa';

export interface AsaVersion {
  readonly product: 'ASA' | 'PIX';
  readonly major: number;
  readonly minor: number;
  readonly line: ConfigLine;
}

export interface AsaInterface {
  /** `GigabitEthernet0/1`, `Port-channel1.20`. */
  readonly hardware: string;
  readonly nameif: string;
  readonly securityLevel: number;
  /** The `security-level` line, or the `nameif` line when the level is the implicit one. */
  readonly levelOrigin: ConfigLine;
  readonly head: ConfigLine;
  /** The interface's own addresses (`ip address`, `ipv6 address`, standby addresses included). */
  readonly addresses: AddressSet;
  /** True when `ip address dhcp|pppoe` or IPv6 autoconfiguration leaves addresses out of the export. */
  readonly addressesUnknown: boolean;
  /** Networks the addresses are on (connected routes). */
  readonly networks: readonly { readonly destination: AddressSet; readonly line: ConfigLine }[];
  /** `management-only`: the interface takes no through traffic. */
  readonly managementOnly?: ConfigLine;
}

export interface AclEntry {
  /** The ASA's line number within its ACL (remarks count, as in `show access-list`). */
  readonly number: number;
  readonly line: ConfigLine;
  readonly ace: Ace;
  /** The `remark` lines right before the entry. */
  readonly remark?: string;
}

export interface Acl {
  readonly name: string;
  readonly entries: AclEntry[];
  readonly firstLine: ConfigLine;
}

export interface AccessGroup {
  readonly acl: string;
  readonly direction: 'in' | 'out' | 'global';
  readonly nameif?: string;
  readonly line: ConfigLine;
}

export interface AsaRoute {
  readonly nameif: string;
  readonly destination: AddressSet;
  readonly line: ConfigLine;
}

export interface AsaManagementAccess {
  /** `https` (ASDM: the ASA's `http` command admits HTTPS only), `ssh`, `telnet`. */
  readonly service: string;
  /** The TCP port it listens on (`http server enable 8443`). */
  readonly port: number;
  readonly sources: AddressSet;
  readonly nameif: string;
  readonly line: ConfigLine;
}

/**
 * Where a NAT statement sits in the ASA's lookup order (see nat.ts). Object NAT, and pre-8.3 dynamic NAT, are
 * ordered by their content: static first, fewer real addresses first, then `object` (empty for `nat` statements).
 */
export type NatPlace =
  | { readonly section: 'manual' | 'after-auto' | 'legacy-exempt' | 'legacy-static' | 'legacy-policy' }
  | { readonly section: 'auto' | 'legacy-dynamic'; readonly static: boolean; readonly object: string };

/** A port translation: on traffic from each side, which port dimension is matched and what it becomes. */
export interface PortMap {
  readonly proto: IntervalSet;
  readonly fromReal: { readonly dim: 'sport' | 'dport'; readonly match: IntervalSet; readonly to: IntervalSet };
  readonly fromMapped: { readonly dim: 'sport' | 'dport'; readonly match: IntervalSet; readonly to: IntervalSet };
}

/**
 * One NAT statement (object NAT, twice NAT, or pre-8.3 `static` / `nat`+`global`), resolved. Seen from the
 * real side: traffic from `realIf` with a source in `realSource` (and, for twice NAT, a destination in
 * `mappedDestination`) leaves with `mappedSource` (and `realDestination`). A static statement also works the
 * other way, for traffic arriving on `mappedIf`.
 */
export interface Translation {
  readonly line: ConfigLine;
  readonly place: NatPlace;
  readonly bidirectional: boolean;
  /** Absent for `any`. */
  readonly realIf?: string;
  readonly mappedIf?: string;
  readonly realSource: AddressSet;
  /** The same as `realSource` for identity NAT and NAT exemption. */
  readonly mappedSource: AddressSet;
  readonly mappedDestination?: AddressSet;
  readonly realDestination?: AddressSet;
  readonly ports?: PortMap;
  readonly enabled: boolean;
}

export interface AsaConfig {
  readonly hostname?: string;
  readonly version?: AsaVersion;
  /** True when ACLs name real (untranslated) addresses: ASA 8.3 and later. */
  readonly aclsNameRealAddresses: boolean;
  readonly interfaces: readonly AsaInterface[];
  readonly acls: ReadonlyMap<string, Acl>;
  readonly accessGroups: readonly AccessGroup[];
  readonly routes: readonly AsaRoute[];
  /** In the ASA's lookup order. */
  readonly translations: readonly Translation[];
  readonly managementAccess: readonly AsaManagementAccess[];
  readonly sameSecurity: { readonly inter?: ConfigLine; readonly intra?: ConfigLine };
  readonly usesIpv6: boolean;
  readonly diagnostics: Diagnostic[];
}

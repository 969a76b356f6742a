/**
 * A policy pack: the firewall rules one documentation page prescribes for a Lync Server 2013 Edge deployment.
 * These types mirror policies/policy-pack.schema.json field for field; the loader only hands out values the schema
 * (and the cross-field checks in load-packs.ts) accepted, so code can trust them without re-checking.
 */

import type { Zone } from '../model/zone.js';

export type Protocol = 'tcp' | 'udp';

/** Inclusive [low, high]; the loader guarantees low <= high. */
export type PortRange = [low: number, high: number];

/** A single port or an inclusive range, as the documentation's tables write them. */
export type PortSpec = number | PortRange;

/**
 * Relative to the Edge: inbound = Internet -> Edge external interface, outbound = Edge external interface -> Internet,
 * internal = on the internal-facing firewall (either way between internal hosts and the Edge internal interface).
 */
export type Direction = 'inbound' | 'outbound' | 'internal';

export type Requirement = 'required' | 'conditional';

/** The deployment features a site profile switches on; conditional rules name the ones they serve. */
export type Feature = 'xmppFederation' | 'sipFederation' | 'publicIm' | 'remoteUsers';

export interface PackTitles {
  en: string;
  de?: string;
  fr?: string;
  it?: string;
  zh?: string;
}

export interface PackSource {
  technetId: string;
  url: string;
  /** The page title in each language we hold a copy of; English is the original. */
  titles: PackTitles;
  /** English titles of the page's firewall tables; every rule's source.table is one of them. */
  tables: string[];
}

export interface PackRole {
  id: string;
  zone: Zone;
  description: string;
}

export interface RuleCondition {
  /** The rule applies when any of these features is enabled. */
  features: Feature[];
  text: string;
}

/** Another flow that satisfies the rule just as well, e.g. the strict source-port form of an A/V range. */
export interface RuleAlternative {
  protocol: Protocol;
  ports: PortSpec[];
  sourcePorts?: PortSpec[];
  note: string;
}

export interface RuleSource {
  technetId: string;
  /** Exact English table title. */
  table: string;
  /** 1-based row of the table body. */
  row: number;
  citation: string;
}

export interface PackRule {
  id: string;
  title: string;
  protocol: Protocol;
  /** Destination ports. */
  ports: PortSpec[];
  sourcePorts?: PortSpec[];
  /** Role id of the host that opens the connection. */
  from: string;
  /** Role id of the host that accepts it. */
  to: string;
  direction: Direction;
  requirement: Requirement;
  /** Present exactly when requirement is 'conditional'. */
  condition?: RuleCondition;
  /** YYYY-MM-DD: the documented flow no longer exists after this date, so an open rule is legacy exposure. */
  obsoleteSince?: string;
  alternatives?: RuleAlternative[];
  /** Narrower roles that the documentation's "Any" may stand for. */
  anyMayBe?: string[];
  /** The rule documented as the other direction of the same bidirectional flow. */
  bidirectionalWith?: string;
  note: string;
  source: RuleSource;
}

export interface PolicyPack {
  /** Lets editors find the schema; carries no meaning. */
  $schema?: string;
  id: string;
  title: string;
  product: string;
  source: PackSource;
  roles: PackRole[];
  rules: PackRule[];
}

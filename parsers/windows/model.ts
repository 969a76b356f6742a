/**
 * The Windows Firewall vendor model: what every Windows export format is read into before conversion to
 * the rule graph (to-device.ts). Field values stay as the export spells them (keywords, ranges, lists);
 * to-device.ts gives them meaning, so each format reader only has to find them.
 */

/** Where a value came from in the export. */
export interface SourceRef {
  /** 1-based line in the export's text; for binary formats (registry.pol, .wfw) the 1-based record number. */
  readonly line: number;
  /** The rule's original text: its registry rule string, XML element, CSV row or netsh block (secrets never occur). */
  readonly text: string;
}

export type WindowsProfileName = 'Domain' | 'Private' | 'Public';
export const WINDOWS_PROFILES: readonly WindowsProfileName[] = ['Domain', 'Private', 'Public'];

/** One firewall rule, with each field as a list of the export's values ([] = the field is absent = Any). */
export interface WindowsRule {
  /** The rule's id (registry value name / `Name`), else its display name. */
  readonly id: string;
  readonly displayName?: string;
  readonly description?: string;
  /** allow-bypass: "allow if secure" with "override block rules". */
  readonly action: 'allow' | 'block' | 'allow-bypass';
  readonly direction: 'in' | 'out';
  readonly enabled: boolean;
  /** The profiles the rule belongs to; [] = all. */
  readonly profiles: readonly WindowsProfileName[];
  /** A protocol number as text (`6`), a name (`TCP`, `ICMPv4`) or absent = Any. */
  readonly protocol?: string;
  /** Port values: numbers, ranges `a-b`, and port keywords (`RPC`, `RPC-EPMap`, `IPHTTPSIn`, `Teredo`, …). */
  readonly localPorts: readonly string[];
  readonly remotePorts: readonly string[];
  /** Address values: addresses, ranges `a-b`, subnets, and keywords (`LocalSubnet`, `Internet`, `Intranet`, …). */
  readonly localAddresses: readonly string[];
  readonly remoteAddresses: readonly string[];
  /** ICMP `type:code` values (`8:*`, `3:4`); [] = any. */
  readonly icmpTypes: readonly string[];
  /** Program path, service name, package: they narrow who may use the port, not which flows it opens. */
  readonly program?: string;
  readonly service?: string;
  /** App package (`AppPkgId`, PowerShell `Package`): an AppContainer SID, narrowing like the program. */
  readonly package?: string;
  /** Local users the rule is limited to (`LUOwn`, `LUAuth`, PowerShell `Owner`, `LocalUser`): narrowing like the program. */
  readonly localUsers?: string;
  /**
   * What else decides whether the rule applies that no export settles, each in words with the export's own token:
   * IPsec (`Security=Authenticate`), authorized remote machines or users, platform validity, trust tuples,
   * network names. Absent or [] = none; to-device.ts makes the rule uncertain for each.
   */
  readonly conditions?: readonly string[];
  /** Interface types (`Wireless`, `Lan`, `RemoteAccess`) or interface ids the rule is limited to; [] = all. */
  readonly interfaces: readonly string[];
  /** `Edge=TRUE` / EdgeTraversalPolicy Allow, DeferToApp, DeferToUser: unsolicited traffic through NAT traversal. */
  readonly edgeTraversal: boolean;
  /** Keys the reader saw but that have no field here (kept for diagnostics). */
  readonly unknownKeys: readonly string[];
  readonly source: SourceRef;
}

/** A profile's global settings; each field absent when the export does not set it (then Windows' default holds). */
export interface WindowsProfileSettings {
  readonly enableFirewall?: { readonly value: boolean; readonly source: SourceRef };
  readonly defaultInboundAction?: { readonly value: 'allow' | 'block'; readonly source: SourceRef };
  readonly defaultOutboundAction?: { readonly value: 'allow' | 'block'; readonly source: SourceRef };
}

/** Everything a Windows export holds, whatever its format. */
export interface WindowsPolicy {
  /** Which format the reader recognized, for diagnostics and the report (`GPO report XML`, `registry.pol`, …). */
  readonly format: string;
  /** The policy's or host's name where the export has one (GPO name, computer name). */
  readonly name?: string;
  /** Taken out by to-device.ts as it converts them: the list is empty afterwards. */
  readonly rules: WindowsRule[];
  readonly profiles: Readonly<Partial<Record<WindowsProfileName, WindowsProfileSettings>>>;
  /** What the format itself cannot carry (the GPO report drops Intranet keywords and local-store rules). */
  readonly formatNotes: readonly string[];
  /** Lines (or records) recognized as not concerning filtering, or not understood. */
  readonly diagnostics: readonly { readonly line: number; readonly level: 'warning' | 'info'; readonly message: string }[];
}

/** One export format: recognized from content, read into the vendor model. */
export interface WindowsFormatReader {
  readonly format: string;
  detect(input: import('../index.js').ExportFile): boolean;
  /** Throws ParseError (file, line, message) on malformed input. */
  read(input: import('../index.js').ExportFile): WindowsPolicy;
}

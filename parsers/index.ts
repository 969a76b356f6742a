import type { AddressSet } from '../src/model/address-set.js';
import type { Device } from '../src/model/rule-graph.js';
import { asaParser } from './asa/index.js';
import { fortigateParser } from './fortigate/index.js';
import { iptablesParser } from './iptables/index.js';
import { windowsParser } from './windows/index.js';

/** One export as read from disk: its bytes (binary formats: registry.pol, .wfw hives) and its decoded text. */
export interface ExportFile {
  /** The path as the user gave it: every Origin names it. */
  readonly file: string;
  /** Absent for a UTF-16LE file (it starts with the BOM): that is text, and its text holds all of it. */
  readonly bytes?: Uint8Array;
  /** UTF-8, or UTF-16LE where the file starts with its BOM; the BOM itself removed. */
  readonly text: string;
}

/** What the site profile tells a parser that the export cannot (Windows address keywords such as `LocalSubnet`). */
export interface ParseOptions {
  /** Keyword (as the vendor spells it, compared case-insensitively) → the addresses it stands for at this site. */
  readonly addressKeywords?: ReadonlyMap<string, AddressSet>;
}

/**
 * One vendor's parser: recognizes its export format from content alone, and turns it into the rule graph.
 * An export may hold several rule sets (FortiGate VDOMs, Windows Firewall profiles): one Device each, told
 * apart by `Device.partition`.
 */
export interface VendorParser {
  readonly vendor: string;
  /**
   * The parser reads only `file` and `text`, never `bytes`: once it is chosen, the CLI passes the export on without
   * them and gives their memory back (a 100,000-rule export is tens of megabytes, held twice otherwise).
   */
  readonly textOnly?: boolean;
  detect(input: ExportFile): boolean;
  parse(input: ExportFile, options: ParseOptions): Device[];
}

export const PARSERS: readonly VendorParser[] = [iptablesParser, windowsParser, asaParser, fortigateParser];

export function detectParser(input: ExportFile): VendorParser | undefined {
  return PARSERS.find((p) => p.detect(input));
}

export { ParseError } from './parse-error.js';

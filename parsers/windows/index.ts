/**
 * Parser for Windows Firewall exports. Each format has a reader (readers.ts) that recognizes it from content
 * and reads it into the vendor model; to-device.ts turns the model into one Device per firewall profile.
 *
 *   bytes ──reader (registry.pol, .reg, .wfw hive, rule-string text, GPO XML, …)──▶ WindowsPolicy
 *         ──to-device.ts──▶ Device per profile (Domain, Private, Public)
 */
import type { Device } from '../../src/model/rule-graph.js';
import type { ExportFile, ParseOptions, VendorParser } from '../index.js';
import { READERS } from './readers.js';
import { redactSecrets } from './secrets.js';
import { toDevices } from './to-device.js';

export const windowsParser: VendorParser = {
  vendor: 'windows',

  detect(input: ExportFile): boolean {
    return READERS.some((r) => r.detect(input));
  },

  /** Throws ParseError (file, line or record, message) on malformed input. */
  parse(input: ExportFile, options: ParseOptions): Device[] {
    const reader = READERS.find((r) => r.detect(input));
    if (!reader) throw new Error(`${input.file}: not a Windows Firewall export (detect before parse)`);
    // Pre-shared keys go before a reader sees the text: no rule source, diagnostic or error can quote one.
    return toDevices(reader.read({ ...input, text: redactSecrets(input.text) }), input.file, options);
  },
};

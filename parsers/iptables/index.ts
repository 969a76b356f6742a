/**
 * Parser for `iptables-save` / `ip6tables-save` output (also several of them concatenated, and
 * `iptables-save -c` with counters).
 *
 *   text ──save-file.ts──▶ table blocks, chains, rule words ──rule-options.ts──▶ typed iptables rules
 *        ──match-flows.ts / targets.ts / nat.ts (via to-device.ts)──▶ Device
 */
import type { Device } from '../../src/model/rule-graph.js';
import type { ExportFile, VendorParser } from '../index.js';
import { ParseError } from '../parse-error.js';
import { parseSaveFile, SaveFileError } from './save-file.js';
import { toDevice } from './to-device.js';

export { ParseError };

/** How far into the file `detect` looks for the first table block. */
const DETECT_LINES = 200;

export const iptablesParser: VendorParser = {
  vendor: 'iptables',
  textOnly: true,

  /**
   * True when the text looks like iptables-save output: after blank lines and `#` comments, a `*table`
   * line followed by `:CHAIN POLICY [p:b]` declarations, `-A` rules or COMMIT.
   */
  detect({ text }: ExportFile): boolean {
    let sawTable = false;
    let pos = 0;
    for (let k = 0; k < DETECT_LINES && pos < text.length; k++) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end).trim();
      pos = end + 1;
      if (line === '' || line.startsWith('#')) continue;
      if (!sawTable) {
        if (!/^\*[a-z]+$/.test(line)) return false;
        sawTable = true;
        continue;
      }
      return /^:\S+ (ACCEPT|DROP|-)( \[\d+:\d+\])?$/.test(line) || /^(\[\d+:\d+\] )?-A \S/.test(line) || line === 'COMMIT';
    }
    return false;
  },

  /** Throws ParseError when the text is not real iptables-save output. */
  parse({ text, file }: ExportFile): Device[] {
    let save;
    try {
      save = parseSaveFile(text);
    } catch (e) {
      if (e instanceof SaveFileError) throw new ParseError(file, e.line, e.message);
      throw e;
    }
    return [toDevice(save, file)];
  },
};

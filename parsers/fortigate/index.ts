/**
 * Parser for FortiGate (FortiOS 5.x–7.x) configuration backups and `show` / `show full-configuration` output.
 *
 *   text ──tree.ts──▶ config/edit/set tree ──model.ts──▶ one scope per VDOM
 *        ──interfaces / addresses / services / vips / policies / nat / routes (via to-device.ts)──▶ Device per VDOM
 */
import type { Device } from '../../src/model/rule-graph.js';
import type { ExportFile, VendorParser } from '../index.js';
import { ParseError } from '../parse-error.js';
import { readConfig } from './model.js';
import { toDevices } from './to-device.js';
import { ConfigError, withLineFeeds } from './tree.js';

/** How many lines `detect` reads at most. */
const DETECT_LINES = 50;
/** How many characters `detect` reads at most. */
const DETECT_CHARS = 64 * 1024;
const STATEMENT = /^\s*(config|edit|set|unset|append|select|unselect|next|end)(\s|$)/;

export const fortigateParser: VendorParser = {
  vendor: 'fortigate',
  textOnly: true,

  /**
   * A `#config-version=` header (backups), or a statement tree: after `#` comments and blank lines, `config <path>`
   * followed by another FortiOS statement (`show` output). iptables-save starts with `*table` or its own `#` header
   * and Cisco configurations never open a `config` block, so neither is claimed.
   */
  detect({ text: whole }: ExportFile): boolean {
    // CR-only line ends are read as line breaks, as parseTree does; the first lines are all detect needs.
    const text = withLineFeeds(whole.slice(0, DETECT_CHARS));
    let pos = 0;
    const statements: string[] = [];
    for (let k = 0; k < DETECT_LINES && pos < text.length && statements.length < 2; k++) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end).trim();
      pos = end + 1;
      if (line.startsWith('#config-version=')) return true;
      if (line === '' || line.startsWith('#')) continue;
      statements.push(line);
    }
    return /^config \S/.test(statements[0] ?? '') && STATEMENT.test(statements[1] ?? '');
  },

  /** Throws ParseError when the text is not a FortiOS configuration, or is truncated. */
  parse({ text, file }: ExportFile): Device[] {
    try {
      return toDevices(readConfig(text), file);
    } catch (e) {
      if (e instanceof ConfigError) throw new ParseError(file, e.line, e.message);
      throw e;
    }
  },
};

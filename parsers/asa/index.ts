/**
 * Parser for Cisco ASA (and PIX 7/8) configurations: `show running-config`, `more system:running-config` and
 * `write terminal` output, and the ACL-only `show access-list` output.
 *
 *   text ──config-lines.ts──▶ commands with their sub-commands (secrets redacted)
 *        ──read-config.ts (objects.ts, acl.ts, nat.ts)──▶ the ASA vendor model (model.ts)
 *        ──to-device.ts (nat-rules.ts)──▶ Device
 *   show access-list ──show-access-list.ts──▶ Device
 */
import type { Device } from '../../src/model/rule-graph.js';
import type { ExportFile, VendorParser } from '../index.js';
import { ParseError } from '../parse-error.js';
import { readConfigText } from './config-lines.js';
import { ObjectError } from './objects.js';
import { readAsaConfig } from './read-config.js';
import { isShowAccessList, readShowAccessList } from './show-access-list.js';
import { ASA_VENDOR } from './model.js';
import { toDevice } from './to-device.js';

/** How far into the file `detect` looks. */
const DETECT_LINES = 300;

/** Lines only an ASA or PIX prints. */
const SIGNATURES = [
  /^: (Saved|Written by|Hardware:|Serial Number:)/,
  /^(ASA|PIX) Version \d/,
  /^access-list \S+ (line \d+ )?extended (permit|deny) /,
  /^access-list \S+; \d+ elements;/,
  /^access-list cached ACL log flows:/,
];

export const asaParser: VendorParser = {
  vendor: ASA_VENDOR,
  textOnly: true,

  detect({ text }: ExportFile): boolean {
    let pos = 0;
    for (let k = 0; k < DETECT_LINES && pos < text.length; k++) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end).trimEnd();
      pos = end + 1;
      if (SIGNATURES.some((s) => s.test(line))) return true;
    }
    return false;
  },

  /** Throws ParseError when the text is not a configuration an ASA would print. */
  parse({ text, file }: ExportFile): Device[] {
    try {
      const lines = readConfigText(text);
      if (isShowAccessList(lines)) return [readShowAccessList(lines, file)];
      return [toDevice(readAsaConfig(lines), file)];
    } catch (e) {
      if (e instanceof ObjectError) throw new ParseError(file, e.line > 0 ? e.line : undefined, e.message);
      throw e;
    }
  },
};

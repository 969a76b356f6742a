/** FortiOS configuration snippets for parser tests: a backup header and the blocks a test needs. */
import type { Device } from '../../src/model/rule-graph.js';
import { exportFromText } from '../../parsers/export-file.js';
import { fortigateParser } from '../../parsers/fortigate/index.js';

export const HEADER_7_2_5 = '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin';

/** Every device of a configuration whose body follows `header` (`''`: no header, so no version known). */
export function parseDevices(body: string, header = HEADER_7_2_5): Device[] {
  return fortigateParser.parse(exportFromText('fw.conf', `${header ? `${header}\n` : ''}${body.trim()}\n`), {});
}

export function parseDevice(body: string, header?: string): Device {
  return parseDevices(body, header)[0]!;
}

/** `config firewall policy` (or another table) with these entries, each a list of `set` lines. */
export function table(path: string, ...entries: [string, string[]][]): string {
  return [`config ${path}`, ...entries.flatMap(([id, sets]) => [`    edit ${id}`, ...sets.map((s) => `        set ${s}`), '    next']), 'end'].join('\n');
}

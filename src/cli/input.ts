import { readFileSync, statSync } from 'node:fs';
import type { Device } from '../model/rule-graph.js';
import { detectParser, PARSERS, type ParseOptions } from '../../parsers/index.js';
import { exportFromBytes } from '../../parsers/export-file.js';
import { UsageError } from './usage-error.js';

/** Reads, recognizes and parses one configuration export: one device per rule set it holds. */
export function readDevices(file: string, options: ParseOptions = {}): Device[] {
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${file}: is a directory, not a configuration export`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${file}: cannot read (${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message})`);
  }
  const input = exportFromBytes(file, bytes);
  const parser = detectParser(input);
  if (!parser) throw new UsageError(`${file}: not a recognized firewall export (supported: ${PARSERS.map((p) => p.vendor).join(', ')})`);
  return parser.parse(input, options);
}

export interface PartitionChoice {
  readonly vdom?: string;
  readonly profileName?: string;
}

/**
 * The devices the user asked for: `--vdom` narrows a FortiGate to one VDOM, `--profile-name` a Windows export to
 * one firewall profile. A name that matches nothing is an error that lists what there is.
 */
export function selectDevices(file: string, devices: readonly Device[], choice: PartitionChoice): Device[] {
  let out = [...devices];
  for (const [kind, flag, name] of [
    ['vdom', '--vdom', choice.vdom],
    ['firewall-profile', '--profile-name', choice.profileName],
  ] as const) {
    if (name === undefined) continue;
    const ofKind = out.filter((d) => d.partition?.kind === kind);
    if (ofKind.length === 0) continue; // the option does not apply to this export
    const chosen = ofKind.filter((d) => d.partition!.name.toLowerCase() === name.toLowerCase());
    if (chosen.length === 0) throw new UsageError(`${file}: ${flag} ${name}: no such ${kind === 'vdom' ? 'VDOM' : 'profile'} (there are: ${ofKind.map((d) => d.partition!.name).join(', ')})`);
    out = chosen;
  }
  return out;
}

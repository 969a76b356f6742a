import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Device } from '../model/rule-graph.js';
import type { SkippedFile } from '../report/report.js';
import { detectParser, PARSERS, type ExportFile, type ParseOptions, type VendorParser } from '../../parsers/index.js';
import { exportFromBytes } from '../../parsers/export-file.js';
import { UsageError } from './usage-error.js';

/** `-` on the command line: the export comes on standard input, and is named this in reports. */
export const STDIN_ARGUMENT = '-';
export const STDIN_NAME = '<stdin>';

/** The vendors `--vendor` may name; a build may not have a parser for each yet (see PARSERS). */
export const VENDORS = ['iptables', 'asa', 'fortigate', 'windows'] as const;

/**
 * An export to audit and the parser that reads it. Files are read again when audited rather than held: a directory
 * of large exports is audited one file at a time.
 */
export interface RecognizedExport {
  readonly file: string;
  readonly parser: VendorParser;
  read(): ExportFile;
}

export interface CollectedInputs {
  readonly exports: readonly RecognizedExport[];
  /** Files inside the directories given that no parser recognized. */
  readonly skipped: readonly SkippedFile[];
}

/** Directories never entered: hidden ones (.git, .github) and installed packages. */
const IGNORED_DIRECTORY = /^(\.|node_modules$)/;

/**
 * The exports named on the command line, in order: files, directories (every file below them that a parser
 * recognizes; the rest listed as skipped), and `-` for standard input. A named file that is not a recognized export
 * is an error, and so is a directory that holds none; a file named twice is read once.
 * `vendor` (--vendor) says which parser reads standard input, and restricts every other input to that parser.
 */
export function collectInputs(paths: readonly string[], vendor: string | undefined, readStdin: () => Uint8Array): CollectedInputs {
  const only = vendor === undefined ? undefined : vendorParser(vendor);
  const exports: RecognizedExport[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const firstTime = (key: string) => !seen.has(key) && Boolean(seen.add(key));

  for (const path of paths) {
    if (path === STDIN_ARGUMENT) {
      if (!only) throw new UsageError(`reading standard input (-) needs --vendor (${VENDORS.join('|')})`);
      if (!firstTime(STDIN_NAME)) throw new UsageError('standard input (-) can be read only once');
      const input = exportFromBytes(STDIN_NAME, readStdin());
      if (!only.detect(input)) throw new UsageError(`${STDIN_NAME}: ${unrecognized(only)}`);
      exports.push({ file: STDIN_NAME, parser: only, read: () => input });
    } else if (!isDirectory(path)) {
      if (!firstTime(resolve(path))) continue;
      const parser = recognize(readExport(path), only);
      if (!parser) throw new UsageError(`${path}: ${unrecognized(only)}`);
      exports.push({ file: path, parser, read: () => readExport(path) });
    } else {
      const before = exports.length;
      for (const file of filesBelow(path)) {
        if (!firstTime(resolve(file))) continue;
        const parser = recognize(readExport(file), only);
        if (parser) exports.push({ file, parser, read: () => readExport(file) });
        else skipped.push({ file, reason: unrecognized(only) });
      }
      if (exports.length === before) throw new UsageError(`${path}: no ${only ? `${only.vendor} export` : 'recognized firewall export'} in this directory or below it`);
    }
  }
  return { exports, skipped };
}

/** The parser of a vendor named by --vendor; one this build does not have yet is a usage error, not a guess. */
export function vendorParser(vendor: string): VendorParser {
  const parser = PARSERS.find((p) => p.vendor === vendor);
  if (!parser) throw new UsageError(`--vendor ${vendor}: this build has no ${vendor} reader (available: ${PARSERS.map((p) => p.vendor).join(', ')})`);
  return parser;
}

function recognize(input: ExportFile, only: VendorParser | undefined): VendorParser | undefined {
  return only ? (only.detect(input) ? only : undefined) : detectParser(input);
}

function unrecognized(only: VendorParser | undefined): string {
  return only ? `not a recognized ${only.vendor} export` : `not a recognized firewall export (supported: ${PARSERS.map((p) => p.vendor).join(', ')})`;
}

/** Reads, recognizes and parses one configuration export: one device per rule set it holds. */
export function readDevices(file: string, options: ParseOptions = {}): Device[] {
  if (isDirectory(file)) throw new UsageError(`${file}: is a directory, not a configuration export`);
  const input = readExport(file);
  const parser = recognize(input, undefined);
  if (!parser) throw new UsageError(`${file}: ${unrecognized(undefined)}`);
  return parser.parse(input, options);
}

function readExport(file: string): ExportFile {
  try {
    return exportFromBytes(file, readFileSync(file));
  } catch (err) {
    throw cannotRead(file, err);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    throw cannotRead(path, err);
  }
}

function cannotRead(path: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  return new UsageError(`${path}: cannot read (${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message})`);
}

/**
 * Every regular file below `dir`, depth first, in name order so that reports do not depend on the file system's
 * order. Symbolic links to files are followed; links to directories are not (they can loop).
 */
function filesBelow(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return IGNORED_DIRECTORY.test(e.name) ? [] : filesBelow(path);
    if (e.isFile()) return [path];
    if (e.isSymbolicLink()) return statSync(path, { throwIfNoEntry: false })?.isFile() ? [path] : [];
    return [];
  });
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

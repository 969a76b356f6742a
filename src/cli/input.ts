import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Device } from '../model/rule-graph.js';
import type { SkippedFile } from '../report/report.js';
import { detectParser, PARSERS, type ExportFile, type ParseOptions, type VendorParser } from '../../parsers/index.js';
import { exportFromBytes } from '../../parsers/export-file.js';
import type { LoadedProfile } from '../profile/site-profile.js';
import { EXPORT_SIZE_LIMIT, readBounded, ReadError, readStandardInputBounded } from '../config/bounded-read.js';
import { UsageError } from './usage-error.js';

/** `-` on the command line: the export comes on standard input, and is named this in reports. */
export const STDIN_ARGUMENT = '-';
export const STDIN_NAME = '<stdin>';

/** The export on standard input, refused once it is longer than an export may be. */
export function readStandardInput(): Uint8Array {
  try {
    return readStandardInputBounded(EXPORT_SIZE_LIMIT);
  } catch (err) {
    throw cannotRead(STDIN_NAME, err);
  }
}

/** The vendors `--vendor` may name: one per parser. */
export const VENDORS: readonly string[] = PARSERS.map((p) => p.vendor);

/** One input to read: a file named on the command line or found below a directory named there, or standard input. */
export interface InputSource {
  readonly file: string;
  /** The directory argument it was found under: then it may turn out not to be an export, and is skipped. */
  readonly directory?: string;
  /** Why a folder found below a directory argument could not be listed: it is reported as skipped, not read. */
  readonly unreadable?: string;
  read(): ExportFile;
}

/** An export and the parser that recognized it; `position` is its source's index, for progress. */
export interface RecognizedExport {
  readonly input: ExportFile;
  readonly parser: VendorParser;
  readonly position: number;
}

/** Directories never entered: hidden ones (.git, .github) and installed packages. */
const IGNORED_DIRECTORY = /^(\.|node_modules$)/;

/**
 * What the command line names, in order: files, every file below a directory (in name order), and `-` for standard
 * input, which needs --vendor. A file named twice is read once. Nothing is read yet: see recognizedExports.
 */
export function inputSources(paths: readonly string[], vendor: string | undefined, readStdin: () => Uint8Array): InputSource[] {
  const seen = new Set<string>();
  const firstTime = (key: string) => !seen.has(key) && Boolean(seen.add(key));
  return paths.flatMap((path): InputSource[] => {
    if (path === STDIN_ARGUMENT) {
      if (vendor === undefined) throw new UsageError(`reading standard input (-) needs --vendor (${VENDORS.join('|')})`);
      if (!firstTime(STDIN_NAME)) throw new UsageError('standard input (-) can be read only once');
      return [{ file: STDIN_NAME, read: () => exportFromBytes(STDIN_NAME, readStdin()) }];
    }
    if (!isDirectory(path)) return firstTime(resolve(path)) ? [{ file: path, read: () => readExport(path) }] : [];
    const found = filesBelow(path, path);
    if (found.length === 0) throw new UsageError(`${path}: no file in this directory or below it`);
    return found
      .filter(({ file }) => firstTime(resolve(file)))
      .map(({ file, unreadable }) => ({ file, directory: path, ...(unreadable ? { unreadable } : {}), read: () => readExport(file) }));
  });
}

/**
 * Reads the sources one at a time (a directory of large exports is never held in memory at once) and yields those a
 * parser recognizes — with --vendor, only that vendor's parser. A file found below a directory that is not an export
 * is added to `skipped`; a file named on the command line that is not one is an error, and so, once all are read, is
 * a directory where nothing was recognized.
 */
export function* recognizedExports(sources: readonly InputSource[], vendor: string | undefined, skipped: SkippedFile[]): Generator<RecognizedExport> {
  const only = vendor === undefined ? undefined : vendorParser(vendor);
  const found = new Set<string>();
  for (const [position, source] of sources.entries()) {
    if (source.unreadable !== undefined) {
      skipped.push({ file: source.file, reason: source.unreadable });
      continue;
    }
    // Read in a function of its own, so that this suspended generator never holds the bytes a text-only parser lets go.
    const recognized = recognize(source, only);
    if (recognized) {
      if (source.directory !== undefined) found.add(source.directory);
      yield { ...recognized, position };
    } else if (source.directory !== undefined) skipped.push({ file: source.file, reason: unrecognized(only) });
    else throw new UsageError(`${source.file}: ${unrecognized(only)}`);
  }
  const empty = sources.find((s) => s.directory !== undefined && !found.has(s.directory))?.directory;
  if (empty !== undefined) throw new UsageError(`${empty}: no ${only ? `${only.vendor} export` : 'recognized firewall export'} in this directory or below it`);
}

/** The source's export and the parser that recognizes it (`only`, when given); the export without its bytes when that parser reads only text. */
function recognize(source: InputSource, only: VendorParser | undefined): Omit<RecognizedExport, 'position'> | undefined {
  const input = source.read();
  const parser = only ? (only.detect(input) ? only : undefined) : detectParser(input);
  if (!parser) return undefined;
  if (!parser.textOnly || !input.bytes) return { input, parser };
  freeBytes(input.bytes);
  return { input: { file: input.file, text: input.text }, parser };
}

/**
 * Gives the memory of the bytes read for this export (and for it alone) back now. Merely unreferenced, they would
 * wait for the next full garbage collection, which may come only after the audit: decoding the text already moved
 * them to the old generation. Moved into a new buffer that nothing holds, they are freed by the next minor one.
 */
function freeBytes(bytes: Uint8Array): void {
  const whole = bytes.buffer;
  if (whole instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === whole.byteLength) structuredClone(whole, { transfer: [whole] });
}

/** The parser of a vendor named by --vendor; one this build does not have yet is a usage error, not a guess. */
export function vendorParser(vendor: string): VendorParser {
  const parser = PARSERS.find((p) => p.vendor === vendor);
  if (!parser) throw new UsageError(`--vendor ${vendor}: this build has no ${vendor} reader (available: ${PARSERS.map((p) => p.vendor).join(', ')})`);
  return parser;
}

function unrecognized(only: VendorParser | undefined): string {
  return only ? `not a recognized ${only.vendor} export` : `not a recognized firewall export (supported: ${PARSERS.map((p) => p.vendor).join(', ')})`;
}

/** Reads, recognizes and parses one configuration export: one device per rule set it holds. */
export function readDevices(file: string, options: ParseOptions = {}): Device[] {
  if (isDirectory(file)) throw new UsageError(`${file}: is a directory, not a configuration export`);
  const input = readExport(file);
  const parser = detectParser(input);
  if (!parser) throw new UsageError(`${file}: ${unrecognized(undefined)}`);
  return parser.parse(input, options);
}

/** A regular file of at most EXPORT_SIZE_LIMIT bytes: a FIFO, a device or a larger file is an error naming it. */
function readExport(file: string): ExportFile {
  try {
    return exportFromBytes(file, readBounded(file, EXPORT_SIZE_LIMIT));
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
  if (err instanceof ReadError) return new UsageError(`${path}: ${err.code === 'ENOENT' ? 'cannot read (no such file)' : err.message}`);
  const e = err as NodeJS.ErrnoException;
  return new UsageError(`${path}: cannot read (${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message})`);
}

/**
 * Every regular file below `dir`, depth first, in name order so that reports do not depend on the file system's
 * order. Symbolic links to files are followed; links to directories are not (they can loop). A folder below `top`
 * that cannot be listed (permissions) is returned with the reason, to be reported as skipped; `top` itself, which
 * the user named, is an error.
 */
function filesBelow(dir: string, top: string): { file: string; unreadable?: string }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (dir === top) throw cannotRead(dir, err);
    return [{ file: dir, unreadable: `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return IGNORED_DIRECTORY.test(e.name) ? [] : filesBelow(path, top);
    if (e.isFile()) return [{ file: path }];
    if (e.isSymbolicLink()) return statSync(path, { throwIfNoEntry: false })?.isFile() ? [{ file: path }] : [];
    return [];
  });
}

export interface PartitionChoice {
  readonly vdom?: string;
  readonly profileName?: string;
}

/**
 * What the site profile adds to parsing an export: what the export cannot say (Windows address keywords), and the
 * Windows profile to audit (its `firewallProfile`) unless the command line names one.
 */
export function profileParsing(profile: LoadedProfile | undefined, choice: PartitionChoice): { options: ParseOptions; choice: PartitionChoice } {
  const profileName = choice.profileName ?? profile?.profile.firewallProfile;
  return {
    options: profile?.addressKeywords ? { addressKeywords: profile.addressKeywords } : {},
    choice: { ...choice, ...(profileName ? { profileName } : {}) },
  };
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

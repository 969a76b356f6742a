import { readFileSync, statSync } from 'node:fs';
import type { Device } from '../model/rule-graph.js';
import { detectParser } from '../../parsers/index.js';
import { UsageError } from './usage-error.js';

/** Text of an export: UTF-8 (BOM stripped) or UTF-16LE with its BOM, as Windows tools write. */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

/** Reads, recognizes and parses one configuration export. */
export function readDevice(file: string): Device {
  let buf: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${file}: is a directory, not a configuration export`);
    buf = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${file}: cannot read (${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message})`);
  }
  const text = decodeText(buf);
  const parser = detectParser(text);
  if (!parser) throw new UsageError(`${file}: not a recognized firewall export (supported: iptables-save / ip6tables-save output)`);
  return parser.parse(text, file);
}

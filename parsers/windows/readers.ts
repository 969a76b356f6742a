/**
 * Every Windows Firewall export format edge-audit reads, in the order they are tried: formats recognized by magic
 * bytes or a fixed first line before the plain-text ones.
 */
import { clixmlReader } from './clixml.js';
import { gpoReportReader } from './gpo-xml.js';
import type { WindowsFormatReader } from './model.js';
import { netshReader } from './netsh.js';
import { powershellCsvReader, powershellJsonReader } from './powershell.js';
import { ruleTextReader } from './rule-text.js';

export const READERS: readonly WindowsFormatReader[] = [
  gpoReportReader,
  clixmlReader,
  powershellJsonReader,
  netshReader,
  powershellCsvReader,
  ruleTextReader,
];

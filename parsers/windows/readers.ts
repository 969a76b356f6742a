/**
 * Every Windows Firewall export format edge-audit reads, in the order they are tried: formats recognized by magic
 * bytes or a fixed first line before the plain-text ones.
 */
import { clixmlReader } from './clixml.js';
import { gpoReportReader } from './gpo-xml.js';
import type { WindowsFormatReader } from './model.js';
import { netshReader } from './netsh.js';
import { powershellCsvReader, powershellJsonReader } from './powershell.js';
import { regFileReader } from './reg-file.js';
import { registryPolReader } from './registry-pol.js';
import { ruleTextReader } from './rule-text.js';
import { wfwHiveReader } from './wfw-hive.js';

export const READERS: readonly WindowsFormatReader[] = [
  registryPolReader,
  wfwHiveReader,
  regFileReader,
  gpoReportReader,
  clixmlReader,
  powershellJsonReader,
  netshReader,
  powershellCsvReader,
  ruleTextReader,
];

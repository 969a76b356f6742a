/**
 * Every Windows Firewall export format edge-audit reads, in the order they are tried: formats recognized by magic
 * bytes or a fixed first line before the plain-text ones.
 */
import type { WindowsFormatReader } from './model.js';
import { regFileReader } from './reg-file.js';
import { registryPolReader } from './registry-pol.js';
import { ruleTextReader } from './rule-text.js';
import { wfwHiveReader } from './wfw-hive.js';

export const READERS: readonly WindowsFormatReader[] = [registryPolReader, wfwHiveReader, regFileReader, ruleTextReader];

import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SEVERITIES } from '../audit/result.js';
import { compileSchema, describeSchemaError } from '../json-schema.js';
import type { FormatName } from '../reporters/index.js';
import { parseWaivers, type WaiverEntry } from '../waivers/waivers.js';
import { loadJsonFile } from './json-file.js';

/**
 * How `edge-audit check` runs, from four layers: command line > EDGE_AUDIT_* environment > .edge-audit.json >
 * defaults. The file is the repository's (schemas/config.schema.json); the site profile (edge-audit.json) is a
 * different thing, about the network, and is not read here.
 */

export const CONFIG_FILE_NAME = '.edge-audit.json';

export const FAIL_ON = ['none', ...SEVERITIES] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Waivers come from a file of their own, or inline from the configuration file's `waivers` section. */
export type WaiverSource = { readonly file: string } | { readonly entries: readonly WaiverEntry[] };

/** What one layer says. Absent = this layer does not say; the next one down decides. */
export interface RunConfig {
  readonly format?: readonly FormatName[];
  readonly output?: string;
  readonly failOn?: FailOn;
  /** Exit 1 when a requirement is uncertain, as when a finding is at or above `failOn`. */
  readonly failOnUncertain?: boolean;
  readonly softFail?: boolean;
  readonly profile?: string;
  readonly packs?: readonly string[];
  readonly baseline?: string;
  readonly waivers?: WaiverSource;
}

export type SettingOrigin = 'command line' | `environment ${string}` | `config ${string}` | 'default';

/** All layers combined. `format` stays open when no layer names one: the default depends on the terminal. */
export interface Settings extends RunConfig {
  readonly failOn: FailOn;
  readonly failOnUncertain: boolean;
  readonly softFail: boolean;
  /** The configuration file read, if any. */
  readonly configFile?: string;
  /** Which layer gave each value that is set (for --verbose). */
  readonly origins: Readonly<Partial<Record<keyof RunConfig, SettingOrigin>>>;
}

export const DEFAULTS = { failOn: 'high', failOnUncertain: false, softFail: false } as const satisfies Partial<RunConfig>;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** The config file as written, before its paths are resolved: a format may be one name, waivers a file or a list. */
type ConfigFile = Omit<RunConfig, 'format' | 'waivers'> & { readonly format?: FormatName | readonly FormatName[]; readonly waivers?: string | readonly unknown[] };

let validator: ValidateFunction<ConfigFile> | undefined;

/**
 * `.edge-audit.json` in `cwd`, else in the nearest folder above it, searching no higher than the repository root
 * (the folder holding `.git`) or the filesystem root. Named relative to `cwd`.
 */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return relative(cwd, candidate);
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/** Reads and validates a configuration file; its paths, relative to its folder, become relative to `cwd`. */
export function loadConfigFile(file: string, cwd: string): RunConfig {
  validator ??= compileSchema<ConfigFile>('schemas/config.schema.json');
  const data = loadJsonFile(resolve(cwd, file), validator, (problem) => new ConfigError(file, problem), { describe: describeConfigError });
  const path = (p: string | undefined) => (p === undefined ? undefined : relative(cwd, resolve(cwd, dirname(file), p)) || '.');
  const { waivers } = data;
  return definedOnly({
    format: typeof data.format === 'string' ? [data.format] : data.format,
    output: path(data.output),
    failOn: data.failOn,
    failOnUncertain: data.failOnUncertain,
    softFail: data.softFail,
    profile: path(data.profile),
    packs: data.packs,
    baseline: path(data.baseline),
    waivers: waivers === undefined ? undefined : typeof waivers === 'string' ? { file: path(waivers)! } : { entries: parseWaivers({ waivers }, file) },
  });
}

/** The EDGE_AUDIT_* variables this layer reads, by the setting each gives. Empty values count as unset. */
export const ENVIRONMENT = {
  format: 'EDGE_AUDIT_FORMAT',
  output: 'EDGE_AUDIT_OUTPUT',
  failOn: 'EDGE_AUDIT_FAIL_ON',
  failOnUncertain: 'EDGE_AUDIT_FAIL_ON_UNCERTAIN',
  softFail: 'EDGE_AUDIT_SOFT_FAIL',
  profile: 'EDGE_AUDIT_PROFILE',
  packs: 'EDGE_AUDIT_PACK',
  baseline: 'EDGE_AUDIT_BASELINE',
  waivers: 'EDGE_AUDIT_WAIVERS',
} as const satisfies Record<keyof RunConfig, string>;

export function configFromEnvironment(env: NodeJS.ProcessEnv): RunConfig {
  const get = (key: keyof RunConfig) => (env[ENVIRONMENT[key]] === '' ? undefined : env[ENVIRONMENT[key]]);
  const list = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const raw = definedOnly({
    format: list(get('format')),
    output: get('output'),
    failOn: get('failOn'),
    failOnUncertain: parseBoolean('failOnUncertain', get('failOnUncertain')),
    softFail: parseBoolean('softFail', get('softFail')),
    profile: get('profile'),
    packs: list(get('packs')),
    baseline: get('baseline'),
  });
  validator ??= compileSchema<ConfigFile>('schemas/config.schema.json');
  if (!validator(raw)) {
    const field = validator.errors?.[0]?.instancePath.split('/')[1] as keyof RunConfig | undefined;
    throw new ConfigError(field ? ENVIRONMENT[field] : 'environment', describeConfigError(validator.errors));
  }
  const waivers = get('waivers');
  return { ...(raw as RunConfig), ...(waivers ? { waivers: { file: waivers } } : {}) };
}

/**
 * Where a value may take several shapes (`format`: a name or a list), ajv reports each shape's complaint; the one
 * deepest inside the value (`/format/1` is not a format) is the one that says what is wrong.
 */
function describeConfigError(errors: readonly ErrorObject[] | null | undefined): string {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = (errors ?? []).filter((e) => e.keyword !== 'oneOf').reduce<ErrorObject | undefined>((best, e) => (!best || depth(e) > depth(best) ? e : best), undefined);
  return describeSchemaError(deepest ? [deepest] : errors);
}

function parseBoolean(key: keyof RunConfig, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(ENVIRONMENT[key], `"${text}" is not true or false`);
}

/**
 * Combines the layers. The configuration file is `configFile` when given (--config), else EDGE_AUDIT_CONFIG,
 * else the one found from `cwd` upward.
 */
export function resolveSettings(cli: RunConfig, env: NodeJS.ProcessEnv, cwd: string, configFile?: string): Settings {
  const fromEnv = configFromEnvironment(env);
  const file = configFile ?? (env.EDGE_AUDIT_CONFIG || undefined) ?? findConfigFile(cwd);
  const fromFile = file === undefined ? {} : loadConfigFile(file, cwd);
  const layers: [SettingOrigin | ((key: keyof RunConfig) => SettingOrigin), RunConfig][] = [
    ['command line', cli],
    [(key) => `environment ${ENVIRONMENT[key]}`, fromEnv],
    [`config ${file}`, fromFile],
    ['default', DEFAULTS],
  ];
  const origins: Partial<Record<keyof RunConfig, SettingOrigin>> = {};
  const pick = <K extends keyof RunConfig>(key: K): RunConfig[K] => {
    const layer = layers.find(([, values]) => values[key] !== undefined);
    if (layer) origins[key] = typeof layer[0] === 'function' ? layer[0](key) : layer[0];
    return layer?.[1][key];
  };
  return definedOnly({
    format: pick('format'),
    output: pick('output'),
    failOn: pick('failOn') ?? DEFAULTS.failOn,
    failOnUncertain: pick('failOnUncertain') ?? DEFAULTS.failOnUncertain,
    softFail: pick('softFail') ?? DEFAULTS.softFail,
    profile: pick('profile'),
    packs: pick('packs'),
    baseline: pick('baseline'),
    waivers: pick('waivers'),
    configFile: file,
    origins,
  });
}

/** Without the keys a layer leaves unset, so it validates and prints as written. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

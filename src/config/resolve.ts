import { isAbsolute, join, dirname } from 'node:path';
import type { AuthConfig } from '../client/auth.js';
import { REPORTER_NAMES } from '../common/reporter-names.js';
import { ENTRA_FLAGS, IDPS, type EntraFlagOption, type Idp } from '../common/suite-ids.js';
import { ConfigIssuesError, type ConfigIssue } from './errors.js';
import {
  parseBasic,
  parseBoolean,
  parseDuration,
  parseHeader,
  parseHttpUrl,
  parsePositiveInteger,
  parseReporter,
  splitList,
  type Parsed,
  type ReporterSpec,
} from './values.js';

export type { ReporterSpec } from './values.js';

/** The `scim-check run` flags as commander hands them over (camelCase of the long flag names). */
export interface RunFlags {
  url?: string;
  token?: string;
  /** "user:password" */
  basic?: string;
  /** Repeatable "Name: value". */
  header?: string[];
  /** Repeatable and/or comma-separated. */
  suite?: string[] | string;
  only?: string[] | string;
  /** Milliseconds or a duration ("30s"). */
  timeout?: string | number;
  deadline?: string | number;
  insecure?: boolean;
  ca?: string;
  proxy?: string;
  /** Repeatable "NAME" or "NAME=FILE". */
  reporter?: string[] | string;
  allowFailure?: string[] | string;
  readOnly?: boolean;
  runscopePauses?: boolean;
  keep?: boolean;
  prefix?: string;
  userDomain?: string;
  oktaApp?: string;
  idp?: string;
  entraFlag?: string;
  oauthTokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  mapping?: string;
  strict?: boolean;
  bail?: boolean;
  concurrency?: string | number;
  /** Requests a burst step sends at once (the concurrency suite). */
  burst?: string | number;
  /** Milliseconds or a duration over which a burst's requests start. */
  burstSpread?: string | number;
}

/** The config file's content (see config.schema.json, which validates it before it gets here). */
export interface ConfigFileData {
  url?: string;
  token?: string;
  basic?: { user: string; pass: string };
  oauth?: { tokenUrl?: string; clientId?: string; clientSecret?: string; scope?: string };
  headers?: Record<string, string>;
  suites?: string[];
  only?: string[];
  timeout?: number | string;
  deadline?: number | string;
  insecure?: boolean;
  ca?: string;
  proxy?: string;
  reporters?: string[];
  allowFailures?: string[];
  readOnly?: boolean;
  runscopePauses?: boolean;
  keep?: boolean;
  prefix?: string;
  userDomain?: string;
  oktaApp?: 'oin' | 'aiw';
  idp?: Idp;
  entraFlag?: EntraFlagOption;
  mapping?: string;
  strict?: boolean;
  bail?: boolean;
  concurrency?: number;
  burst?: number;
  burstSpread?: number | string;
  /** `scim-check load` only (src/cli/load.ts). */
  load?: { confirm?: boolean; rate?: number; duration?: number | string; idp?: 'okta' | 'entra' };
}

/** A loaded config file: its absolute path (relative paths inside it are resolved against its folder). */
export interface LoadedConfig {
  path: string;
  /** How messages name the file (default: the path). */
  label?: string;
  data: ConfigFileData;
}

export type Origin = 'flag' | 'env' | 'file' | 'default';

/** The run options after precedence flags > environment > config file > defaults. */
export interface ResolvedOptions {
  /** Omitted: no target given (the runner tests its embedded reference server). */
  url?: string;
  /** The client's credentials, ready for createClient: bearer, basic, oauth2 or none. */
  auth: AuthConfig;
  headers: Record<string, string>;
  /** Omitted: the runner's default suites. Entries from the file that look like paths are absolute. */
  suites?: string[];
  only?: string[];
  timeoutMs: number;
  deadlineMs?: number;
  insecure: boolean;
  /** PEM file of extra CAs (a path: reading it is the caller's I/O). */
  caFile?: string;
  proxy?: string;
  reporters: ReporterSpec[];
  allowFailures: string[];
  readOnly: boolean;
  /** Imported Runscope tests wait out their pause steps. */
  runscopePauses: boolean;
  keep: boolean;
  prefix: string;
  userDomain: string;
  oktaApp: 'oin' | 'aiw';
  /** The identity provider modelled (default suites, first request's headers). */
  idp: Idp;
  /** Entra feature-flag shapes sent by the entra suite. */
  entraFlag: EntraFlagOption;
  /** Custom-attribute mapping file (a path). */
  mappingFile?: string;
  strict: boolean;
  /** Stop starting checks after the first one that fails the run (cleanup still runs). */
  bail: boolean;
  concurrency: number;
  /** Burst size and spread for the concurrency suite (omitted: the runner's defaults, 10 and 0 ms). */
  burst?: number;
  burstSpreadMs?: number;
  /** Where each option's value came from (options left unset are absent). */
  origins: Record<string, Origin>;
  /** The config file that took part, if any. */
  configFile?: string;
}

/** The defaults of options nobody set (the runner's own defaults, so resolving changes nothing by itself). */
export const DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  insecure: false,
  reporters: Object.freeze([Object.freeze({ name: 'pretty' })]) as readonly ReporterSpec[],
  readOnly: false,
  runscopePauses: false,
  keep: false,
  prefix: 'scim-check-',
  userDomain: 'example.com',
  oktaApp: 'oin' as const,
  idp: 'okta' as const,
  entraFlag: 'both' as const,
  strict: false,
  bail: false,
  concurrency: 1,
});

type Kind = 'url' | 'string' | 'path' | 'duration' | 'boolean' | 'list' | 'pathList' | 'count' | 'burst' | 'oktaApp' | 'idp' | 'entraFlag' | 'basic' | 'reporters' | 'headers';

interface OptionSpec {
  /** Key in the config file (dotted for oauth fields). */
  file: string;
  flag?: keyof RunFlags;
  /** Long flag as the user types it, for messages. */
  flagName?: string;
  env?: string;
  kind: Kind;
}

/** Every option, its flag, its environment variable and its config-file key. */
export const OPTION_SPECS = {
  url: { file: 'url', flag: 'url', flagName: '--url', env: 'SCIM_CHECK_URL', kind: 'url' },
  token: { file: 'token', flag: 'token', flagName: '--token', env: 'SCIM_CHECK_TOKEN', kind: 'string' },
  basic: { file: 'basic', flag: 'basic', flagName: '--basic', env: 'SCIM_CHECK_BASIC', kind: 'basic' },
  tokenUrl: { file: 'oauth.tokenUrl', flag: 'oauthTokenUrl', flagName: '--oauth-token-url', env: 'SCIM_CHECK_OAUTH_TOKEN_URL', kind: 'url' },
  clientId: { file: 'oauth.clientId', flag: 'clientId', flagName: '--client-id', env: 'SCIM_CHECK_OAUTH_CLIENT_ID', kind: 'string' },
  clientSecret: { file: 'oauth.clientSecret', flag: 'clientSecret', flagName: '--client-secret', env: 'SCIM_CHECK_OAUTH_CLIENT_SECRET', kind: 'string' },
  scope: { file: 'oauth.scope', flag: 'scope', flagName: '--scope', env: 'SCIM_CHECK_OAUTH_SCOPE', kind: 'string' },
  headers: { file: 'headers', flag: 'header', flagName: '--header', kind: 'headers' },
  suites: { file: 'suites', flag: 'suite', flagName: '--suite', env: 'SCIM_CHECK_SUITES', kind: 'pathList' },
  only: { file: 'only', flag: 'only', flagName: '--only', env: 'SCIM_CHECK_ONLY', kind: 'list' },
  timeoutMs: { file: 'timeout', flag: 'timeout', flagName: '--timeout', env: 'SCIM_CHECK_TIMEOUT', kind: 'duration' },
  deadlineMs: { file: 'deadline', flag: 'deadline', flagName: '--deadline', env: 'SCIM_CHECK_DEADLINE', kind: 'duration' },
  insecure: { file: 'insecure', flag: 'insecure', flagName: '--insecure', env: 'SCIM_CHECK_INSECURE', kind: 'boolean' },
  caFile: { file: 'ca', flag: 'ca', flagName: '--ca', env: 'SCIM_CHECK_CA', kind: 'path' },
  proxy: { file: 'proxy', flag: 'proxy', flagName: '--proxy', env: 'SCIM_CHECK_PROXY', kind: 'url' },
  reporters: { file: 'reporters', flag: 'reporter', flagName: '--reporter', env: 'SCIM_CHECK_REPORTERS', kind: 'reporters' },
  allowFailures: { file: 'allowFailures', flag: 'allowFailure', flagName: '--allow-failure', env: 'SCIM_CHECK_ALLOW_FAILURES', kind: 'list' },
  readOnly: { file: 'readOnly', flag: 'readOnly', flagName: '--read-only', env: 'SCIM_CHECK_READ_ONLY', kind: 'boolean' },
  runscopePauses: { file: 'runscopePauses', flag: 'runscopePauses', flagName: '--runscope-pauses', env: 'SCIM_CHECK_RUNSCOPE_PAUSES', kind: 'boolean' },
  keep: { file: 'keep', flag: 'keep', flagName: '--keep', env: 'SCIM_CHECK_KEEP', kind: 'boolean' },
  prefix: { file: 'prefix', flag: 'prefix', flagName: '--prefix', env: 'SCIM_CHECK_PREFIX', kind: 'string' },
  userDomain: { file: 'userDomain', flag: 'userDomain', flagName: '--user-domain', env: 'SCIM_CHECK_USER_DOMAIN', kind: 'string' },
  oktaApp: { file: 'oktaApp', flag: 'oktaApp', flagName: '--okta-app', env: 'SCIM_CHECK_OKTA_APP', kind: 'oktaApp' },
  idp: { file: 'idp', flag: 'idp', flagName: '--idp', env: 'SCIM_CHECK_IDP', kind: 'idp' },
  entraFlag: { file: 'entraFlag', flag: 'entraFlag', flagName: '--entra-flag', env: 'SCIM_CHECK_ENTRA_FLAG', kind: 'entraFlag' },
  mappingFile: { file: 'mapping', flag: 'mapping', flagName: '--mapping', env: 'SCIM_CHECK_MAPPING', kind: 'path' },
  strict: { file: 'strict', flag: 'strict', flagName: '--strict', env: 'SCIM_CHECK_STRICT', kind: 'boolean' },
  bail: { file: 'bail', flag: 'bail', flagName: '--bail', env: 'SCIM_CHECK_BAIL', kind: 'boolean' },
  concurrency: { file: 'concurrency', flag: 'concurrency', flagName: '--concurrency', env: 'SCIM_CHECK_CONCURRENCY', kind: 'count' },
  burst: { file: 'burst', flag: 'burst', flagName: '--burst', env: 'SCIM_CHECK_BURST', kind: 'burst' },
  burstSpreadMs: { file: 'burstSpread', flag: 'burstSpread', flagName: '--burst-spread', env: 'SCIM_CHECK_BURST_SPREAD', kind: 'duration' },
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTION_SPECS;

const ENV_REFERENCE = /^\$env:(.+)$/;

/** One source of options, highest precedence first in LAYER_ORDER. */
interface Layer {
  origin: Exclude<Origin, 'default'>;
  /** The layer as a whole in messages: "flags", "environment" or the config file. */
  label: string;
  /** The raw value of an option in this layer, or undefined when it does not set it. */
  raw(name: OptionName): unknown;
  where(name: OptionName): string;
  /** Folder relative paths are resolved against (config file layer only). */
  baseDir?: string;
}

function fileValue(data: ConfigFileData, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

function flagsLayer(flags: RunFlags): Layer {
  return {
    origin: 'flag',
    label: 'flags',
    raw: (name) => {
      const spec: OptionSpec = OPTION_SPECS[name];
      const value = spec.flag ? flags[spec.flag] : undefined;
      return Array.isArray(value) && value.length === 0 ? undefined : value;
    },
    where: (name) => (OPTION_SPECS[name] as OptionSpec).flagName ?? name,
  };
}

function envLayer(env: Record<string, string | undefined>): Layer {
  return {
    origin: 'env',
    label: 'environment',
    // An empty variable counts as unset, as shells and CI systems commonly export empty ones.
    raw: (name) => {
      const variable = (OPTION_SPECS[name] as OptionSpec).env;
      const value = variable ? env[variable] : undefined;
      return value === '' ? undefined : value;
    },
    where: (name) => (OPTION_SPECS[name] as OptionSpec).env ?? name,
  };
}

/** "$env:NAME" values are looked up only when used, so a flag overriding them needs no variable set. */
function fileLayer(file: LoadedConfig, env: Record<string, string | undefined>, issues: ConfigIssue[]): Layer {
  const label = file.label ?? file.path;
  const where = (name: OptionName) => `${label}: ${OPTION_SPECS[name].file}`;
  const dereference = (value: unknown, at: string): unknown => {
    if (typeof value === 'string') {
      const variable = ENV_REFERENCE.exec(value)?.[1];
      if (variable === undefined) return value;
      const resolved = env[variable];
      if (resolved === undefined || resolved === '') {
        issues.push({ where: at, message: `refers to environment variable ${variable}, which is ${resolved === undefined ? 'not set' : 'empty'}` });
        return undefined;
      }
      return resolved;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('//')).map(([key, v]) => [key, dereference(v, `${at}.${key}`)]));
    }
    if (Array.isArray(value)) return value.map((v, i) => dereference(v, `${at}[${i}]`));
    return value;
  };
  return {
    origin: 'file',
    label,
    raw: (name) => dereference(fileValue(file.data, OPTION_SPECS[name].file), where(name)),
    where,
    baseDir: dirname(file.path),
  };
}

/** Paths in a config file are relative to the file's folder; elsewhere they stay as given (relative to the cwd). */
function resolvePath(path: string, layer: Layer): string {
  return layer.baseDir && !isAbsolute(path) ? join(layer.baseDir, path) : path;
}

/** A suite entry is a path when it names a file rather than a built-in suite id. */
function looksLikePath(entry: string): boolean {
  return entry.includes('/') || entry.includes('\\') || entry.endsWith('.json');
}

function asList(raw: unknown, layer: Layer): string[] {
  // Config files hold real arrays; flags and variables may pack several values with commas.
  if (layer.origin === 'file') return (raw as string[]).map((v) => v.trim()).filter((v) => v !== '');
  return splitList(raw as string | string[]);
}

/** Turns one raw value into its typed form, or says what is wrong with it. */
function interpret(kind: Kind, raw: unknown, layer: Layer, what: string, knownReporters: readonly string[]): Parsed<unknown> {
  switch (kind) {
    case 'url':
      return parseHttpUrl(String(raw), what);
    case 'string': {
      const text = String(raw);
      return text.trim() === '' ? { ok: false, message: 'must not be empty' } : { ok: true, value: text };
    }
    case 'path':
      return { ok: true, value: resolvePath(String(raw), layer) };
    case 'duration':
      return parseDuration(raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'count':
      return parsePositiveInteger(raw, 64);
    case 'burst': {
      const parsed = parsePositiveInteger(raw, 100);
      return parsed.ok && parsed.value >= 2 ? parsed : { ok: false, message: `must be a whole number from 2 to 100 (got "${String(raw)}")` };
    }
    case 'list':
      return { ok: true, value: asList(raw, layer) };
    case 'pathList':
      return { ok: true, value: asList(raw, layer).map((entry) => (looksLikePath(entry) ? resolvePath(entry, layer) : entry)) };
    case 'oktaApp':
      return raw === 'oin' || raw === 'aiw' ? { ok: true, value: raw } : { ok: false, message: `must be "oin" or "aiw" (got "${String(raw)}")` };
    case 'idp':
      return oneOf(raw, IDPS);
    case 'entraFlag':
      return oneOf(raw, ENTRA_FLAGS);
    case 'basic':
      return typeof raw === 'string' ? parseBasic(raw) : { ok: true, value: raw };
    case 'reporters': {
      // Flags stay whole (a file name may hold a comma); a variable is a comma-separated list.
      const items = layer.origin === 'env' ? splitList(String(raw)) : Array.isArray(raw) ? (raw as string[]) : [String(raw)];
      const specs: ReporterSpec[] = [];
      for (const item of items) {
        const parsed = parseReporter(item, knownReporters);
        if (!parsed.ok) return parsed;
        specs.push(parsed.value.file ? { ...parsed.value, file: resolvePath(parsed.value.file, layer) } : parsed.value);
      }
      return { ok: true, value: specs };
    }
    case 'headers': {
      if (layer.origin === 'file') return { ok: true, value: raw };
      const headers: Record<string, string> = {};
      for (const item of Array.isArray(raw) ? (raw as string[]) : [String(raw)]) {
        const parsed = parseHeader(item);
        if (!parsed.ok) return parsed;
        headers[parsed.value[0]] = parsed.value[1];
      }
      return { ok: true, value: headers };
    }
  }
}

function oneOf(raw: unknown, choices: readonly string[]): Parsed<unknown> {
  return choices.includes(String(raw)) ? { ok: true, value: String(raw) } : { ok: false, message: `must be ${choices.map((c) => `"${c}"`).join(', ')} (got "${String(raw)}")` };
}

export interface ResolveInput {
  flags?: RunFlags;
  env?: Record<string, string | undefined>;
  file?: LoadedConfig;
  /** Reporter names accepted (default: the registry's). */
  reporterNames?: readonly string[];
}

/**
 * Merges the run options from flags, environment variables (SCIM_CHECK_*), the config file and defaults, in that
 * order of precedence. Pure: no file or network access, `env` is passed in. Lists replace lower layers, except
 * `headers` (merged by name) and `allowFailures` (united). Credentials come whole from the highest layer that
 * sets any (token, basic or oauth token URL); OAuth's other fields may come from lower layers, so a file can name
 * the token endpoint and client id while the secret arrives in SCIM_CHECK_OAUTH_CLIENT_SECRET.
 * Throws ConfigIssuesError listing every problem found.
 */
export function resolveOptions(input: ResolveInput): ResolvedOptions {
  const env = input.env ?? {};
  const issues: ConfigIssue[] = [];
  const layers: Layer[] = [flagsLayer(input.flags ?? {}), envLayer(env)];
  if (input.file) layers.push(fileLayer(input.file, env, issues));
  const knownReporters = input.reporterNames ?? REPORTER_NAMES;
  const origins: Record<string, Origin> = {};

  /** The option's value in one layer: undefined when unset there; an invalid value becomes an issue. */
  const valueIn = <T>(name: OptionName, layer: Layer): { value: T; layer: Layer } | undefined => {
    const raw = layer.raw(name);
    if (raw === undefined) return undefined;
    const parsed = interpret(OPTION_SPECS[name].kind, raw, layer, layer.where(name), knownReporters);
    if (parsed.ok) return { value: parsed.value as T, layer };
    issues.push({ where: layer.where(name), message: parsed.message });
    return undefined;
  };
  /** The option in every layer that sets it, highest first (for options merged across layers). */
  const valuesOf = <T>(name: OptionName) => layers.map((layer) => valueIn<T>(name, layer)).filter((v) => v !== undefined);
  /**
   * The highest layer's value, noting where it came from. Lower layers are not read at all, so a config-file
   * "$env:NAME" that a flag overrides needs no variable.
   */
  const pick = <T>(name: OptionName): T | undefined => {
    const layer = layers.find((l) => l.raw(name) !== undefined);
    const top = layer && valueIn<T>(name, layer);
    if (top) origins[name] = top.layer.origin;
    return top?.value;
  };
  const withDefault = <T>(name: OptionName, fallback: T): T => {
    const value = pick<T>(name);
    if (value !== undefined) return value;
    origins[name] = 'default';
    return fallback;
  };

  const headerLayers = valuesOf<Record<string, string>>('headers');
  const headers: Record<string, string> = {};
  for (const { value } of [...headerLayers].reverse()) {
    for (const [name, v] of Object.entries(value)) {
      // Header names are case-insensitive: a higher layer's "x-tenant" replaces a lower layer's "X-Tenant".
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      headers[name] = v;
    }
  }
  if (headerLayers[0]) origins.headers = headerLayers[0].layer.origin;

  const allowLayers = valuesOf<string[]>('allowFailures');
  const allowFailures = [...new Set(allowLayers.flatMap(({ value }) => value))];
  if (allowLayers[0]) origins.allowFailures = allowLayers[0].layer.origin;

  const resolved: ResolvedOptions = {
    auth: resolveAuth(layers, valueIn, pick, issues, origins),
    headers,
    timeoutMs: withDefault('timeoutMs', DEFAULTS.timeoutMs),
    insecure: withDefault('insecure', DEFAULTS.insecure),
    reporters: withDefault('reporters', DEFAULTS.reporters.map((r) => ({ ...r }))),
    allowFailures,
    readOnly: withDefault('readOnly', DEFAULTS.readOnly),
    runscopePauses: withDefault('runscopePauses', DEFAULTS.runscopePauses),
    keep: withDefault('keep', DEFAULTS.keep),
    prefix: withDefault('prefix', DEFAULTS.prefix),
    userDomain: withDefault('userDomain', DEFAULTS.userDomain),
    oktaApp: withDefault('oktaApp', DEFAULTS.oktaApp),
    idp: withDefault('idp', DEFAULTS.idp),
    entraFlag: withDefault('entraFlag', DEFAULTS.entraFlag),
    strict: withDefault('strict', DEFAULTS.strict),
    bail: withDefault('bail', DEFAULTS.bail),
    concurrency: withDefault('concurrency', DEFAULTS.concurrency),
    origins,
  };
  const optional = {
    url: pick<string>('url'),
    suites: pick<string[]>('suites'),
    only: pick<string[]>('only'),
    deadlineMs: pick<number>('deadlineMs'),
    caFile: pick<string>('caFile'),
    proxy: pick<string>('proxy'),
    mappingFile: pick<string>('mappingFile'),
    burst: pick<number>('burst'),
    burstSpreadMs: pick<number>('burstSpreadMs'),
    configFile: input.file?.path,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;

  if (issues.length > 0) throw new ConfigIssuesError('Invalid options:', issues);
  return resolved;
}

type ValueIn = <T>(name: OptionName, layer: Layer) => { value: T; layer: Layer } | undefined;
type Pick = <T>(name: OptionName) => T | undefined;

/**
 * Credentials: the highest layer that sets a token, Basic credentials or an OAuth token URL decides the kind;
 * setting two kinds in that same layer is an error.
 */
function resolveAuth(layers: Layer[], valueIn: ValueIn, pick: Pick, issues: ConfigIssue[], origins: Record<string, Origin>): AuthConfig {
  for (const layer of layers) {
    const token = valueIn<string>('token', layer);
    const basic = valueIn<{ user: string; pass: string }>('basic', layer);
    const tokenUrl = valueIn<string>('tokenUrl', layer);
    const kinds = [token && 'token', basic && 'basic', tokenUrl && 'OAuth token URL'].filter(Boolean);
    if (kinds.length === 0) continue;
    if (kinds.length > 1) {
      issues.push({ where: layer.label, message: `sets ${kinds.join(' and ')}: give only one kind of credentials` });
      return { kind: 'none' };
    }
    if (token) {
      origins.auth = layer.origin;
      return { kind: 'bearer', token: token.value };
    }
    if (basic) {
      origins.auth = layer.origin;
      return { kind: 'basic', user: basic.value.user, pass: basic.value.pass };
    }
    origins.auth = layer.origin;
    const clientId = pick<string>('clientId');
    const clientSecret = pick<string>('clientSecret');
    const scope = pick<string>('scope');
    const missing = [
      clientId === undefined && '--client-id, SCIM_CHECK_OAUTH_CLIENT_ID or oauth.clientId',
      clientSecret === undefined && '--client-secret, SCIM_CHECK_OAUTH_CLIENT_SECRET or oauth.clientSecret',
    ].filter((m): m is string => Boolean(m));
    if (missing.length > 0) {
      issues.push({ where: layer.where('tokenUrl'), message: `OAuth client credentials also need ${missing.join(', and ')}` });
      return { kind: 'none' };
    }
    return { kind: 'oauth2', tokenUrl: tokenUrl!.value, clientId: clientId!, clientSecret: clientSecret!, ...(scope === undefined ? {} : { scope }) };
  }
  origins.auth = 'default';
  return { kind: 'none' };
}

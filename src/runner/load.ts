import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { CheckDef, StepDef, SuiteFile } from './suite-format.js';
import { compilePattern } from './assert.js';
import { locateJsonError } from '../common/json-syntax.js';
import { DISCOVERY_VARIABLES } from './discovery.js';
import { ConfigError } from './errors.js';
import { checkSelector } from './select.js';
import { templateNames } from './template.js';
import { DEFAULT_SUITE_IDS, RUN_LAST_IN_ALL } from '../common/suite-ids.js';
import { isRunscopeExport, suiteFromRunscope, type RunscopeImportOptions } from './runscope.js';

export interface LoadedSuite {
  suite: SuiteFile;
  /** Where it was read from (for error messages and `list`). */
  file: string;
  builtIn: boolean;
}

// Suites run when no --suite is given, in this order (those that exist): one list, below config and runner.
export { DEFAULT_SUITE_IDS };

let suitesDirCache: string | undefined;
/** The built-in suites/ directory: two levels above src/runner, three above dist/src/runner. */
export function builtInSuitesDir(): string {
  if (suitesDirCache === undefined) {
    const candidates = ['../../suites', '../../../suites'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
    suitesDirCache = candidates.find((dir) => existsSync(resolve(dir, '../package.json')) && existsSync(dir)) ?? candidates[0]!;
  }
  return suitesDirCache;
}

/** Ids of the built-in suites (file names in suites/ without .json), sorted. */
export function builtInSuiteIds(): string[] {
  try {
    return readdirSync(builtInSuitesDir())
      .filter((f) => f.endsWith('.json'))
      .map((f) => basename(f, '.json'))
      .sort();
  } catch {
    return [];
  }
}

let validator: ValidateFunction | undefined;
/** The compiled suite-file validator; ajv and the schema are imported only when a file needs validating. */
export async function suiteValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const [{ default: AjvModule }, { default: suiteSchema }] = await Promise.all([import('ajv'), import('./suite.schema.json', { with: { type: 'json' } })]);
    // ajv is CommonJS: under NodeNext its class is the default export's .default.
    validator = new AjvModule.default({ allErrors: true, strict: false }).compile(suiteSchema);
  }
  return validator;
}

/** One readable line per schema error: "/checks/2/steps/0/request/method: must be equal to one of GET, POST, …". */
function describeSchemaErrors(errors: ErrorObject[]): string[] {
  // if/then branches repeat their failure as a bare "must match \"then\" schema", and each oneOf branch says which
  // key it wanted ("must have required property 'maxMs'"): drop those echoes, the oneOf line says it once.
  const useful = errors.filter((e) => e.keyword !== 'if' && !(e.keyword === 'required' && e.schemaPath.includes('/oneOf/')));
  const lines = useful.map((e) => {
    const where = e.instancePath || '/';
    if (e.keyword === 'additionalProperties') {
      return `${where}: unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
    }
    if (e.keyword === 'enum') {
      return `${where}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
    }
    if (e.keyword === 'oneOf' && /\/expect\/\d+$/.test(where)) {
      return `${where}: an assertion needs exactly one of status, schema, maxMs, walk, mapped, burst, runscope or that`;
    }
    return `${where}: ${e.message ?? e.keyword}`;
  });
  return [...new Set(lines)];
}

/** Where and how JSON text goes wrong, on one line (V8's messages only sometimes carry a position, and may quote newlines). */
function jsonErrorText(text: string, v8Message: string): string {
  const at = locateJsonError(text);
  return at ? ` (line ${at.line}, column ${at.column}): unexpected ${at.found}` : `: ${v8Message.replace(/\s+/g, ' ')}`;
}

/**
 * Reads, parses and schema-validates one suite file. Throws ConfigError with file, JSON path and message.
 * Built-in suites skip the JSON Schema pass (the test suite validates them), which keeps start-up fast.
 */
export async function loadSuiteFile(file: string, builtIn = false, importOptions: RunscopeImportOptions = {}): Promise<LoadedSuite> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read suite file ${file}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${file}: invalid JSON${jsonErrorText(text, message)}`);
  }
  // A Runscope / BlazeMeter test export (e.g. Okta's SPEC test as published) is one more suite format.
  if (!builtIn && isRunscopeExport(data)) data = suiteFromRunscope(data, file, importOptions);
  return builtIn ? checkedSuite(data, file, builtIn) : suiteFromData(data, file);
}

/**
 * A suite given as data (the API's `suiteData`, a converted recording): schema-validated like a suite file.
 * Throws ConfigError naming `label` and the JSON path.
 */
export async function suiteFromData(data: unknown, label: string): Promise<LoadedSuite> {
  const validate = await suiteValidator();
  if (!validate(data)) {
    const lines = describeSchemaErrors(validate.errors ?? []);
    const shown = lines.slice(0, 8);
    const more = lines.length > shown.length ? `; and ${lines.length - shown.length} more` : '';
    throw new ConfigError(`${label}: not a valid suite: ${shown.join('; ')}${more}`);
  }
  return checkedSuite(data, label, false);
}

function checkedSuite(data: unknown, file: string, builtIn: boolean): LoadedSuite {
  const suite = data as SuiteFile;
  for (const check of suite.checks) {
    if (!check.id.startsWith(`${suite.id}/`)) {
      throw new ConfigError(`${file}: check id "${check.id}" must start with the suite id "${suite.id}/"`);
    }
  }
  return { suite, file, builtIn };
}

function loadBuiltIn(id: string): Promise<LoadedSuite> {
  return loadSuiteFile(resolve(builtInSuitesDir(), `${id}.json`), true);
}

function looksLikePath(name: string): boolean {
  return name.includes('/') || name.includes('\\') || name.endsWith('.json');
}

/**
 * Resolves --suite values to loaded suites, in the order given: built-in ids, "all" (every built-in) or file
 * paths. No names = `defaults` (the Okta suites unless an --idp says otherwise). Built-in suites marked `always`
 * join every run.
 */
export async function resolveSuites(names: string[] = [], defaults: readonly string[] = DEFAULT_SUITE_IDS, importOptions: RunscopeImportOptions = {}): Promise<LoadedSuite[]> {
  const available = builtInSuiteIds();
  const wanted = names.length === 0 ? defaults.filter((id) => available.includes(id)) : names;
  const loaded: LoadedSuite[] = [];
  const seenIds = new Set<string>();
  const add = (entry: LoadedSuite): void => {
    if (seenIds.has(entry.suite.id)) return;
    seenIds.add(entry.suite.id);
    loaded.push(entry);
  };
  for (const name of wanted) {
    if (name === 'all') {
      // Okta's flow first (its SPEC test, then users, then groups), then the other built-ins, load-like ones last;
      // suites that join every run (transport) come at the end, as in a run without --suite.
      const first = DEFAULT_SUITE_IDS.filter((id) => available.includes(id));
      const last = available.filter((id) => RUN_LAST_IN_ALL.includes(id));
      for (const id of [...first, ...available.filter((id) => !first.includes(id) && !last.includes(id)), ...last]) {
        const entry = await loadBuiltIn(id);
        if (!entry.suite.always) add(entry);
      }
    } else if (available.includes(name)) {
      add(await loadBuiltIn(name));
    } else if (looksLikePath(name)) {
      const entry = await loadSuiteFile(resolve(name), false, importOptions);
      if (seenIds.has(entry.suite.id)) throw new ConfigError(`${name}: suite id "${entry.suite.id}" is already loaded`);
      add(entry);
    } else {
      throw new ConfigError(`unknown suite "${name}" (built-in: ${available.join(', ') || 'none'}; or give a path to a .json file)`);
    }
  }
  for (const id of available) {
    if (seenIds.has(id)) continue;
    const entry = await loadBuiltIn(id);
    if (entry.suite.always) add(entry);
  }
  validateSuiteSet(loaded);
  return loaded;
}

/** Every check id of every built-in suite (all variants): what `--allow-failure` may name whichever suites run. */
export async function builtInCheckIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const id of builtInSuiteIds()) ids.push(...(await loadBuiltIn(id)).suite.checks.map((c) => c.id));
  return ids;
}

/** Selectors and `matches` patterns must parse: a typo should stop the run at load time, not fail a check. */
function checkExpressions(check: CheckDef, file: string): void {
  const where = `${file}: check "${check.id}"`;
  for (const step of check.steps) {
    checkBurstUse(step, where);
    const predicates = [...(step.expect ?? []), ...(step.onlyIf ? [step.onlyIf] : [])];
    const selectors = [
      ...Object.values(step.capture ?? {}),
      ...predicates.flatMap((a) => ('that' in a ? [a.that] : [])),
      ...Object.keys(step.request.bodyMerge ?? {}).map((path) => (path.startsWith('[') ? `body${path}` : `body.${path}`)),
    ];
    for (const selector of selectors) {
      try {
        checkSelector(selector);
      } catch (err) {
        throw new ConfigError(`${where}: ${(err as Error).message}`);
      }
    }
    for (const a of predicates) {
      if (!('matches' in a) || a.matches === undefined) continue;
      try {
        compilePattern(a.matches);
      } catch {
        throw new ConfigError(`${where}: "matches" is not a valid regular expression: ${a.matches}`);
      }
    }
  }
}

/** Burst-only selectors, assertions and built-ins must sit in a burst step ({{$item}} in one with `each`). */
function checkBurstUse(step: StepDef, where: string): void {
  if (step.burst && step.walk) throw new ConfigError(`${where}: a step cannot both walk and burst`);
  const inRequest = JSON.stringify(step.request);
  if (!step.burst) {
    const selector = [...Object.values(step.capture ?? {}), ...(step.expect ?? []).flatMap((a) => ('that' in a ? [a.that] : []))].find((s) => s.startsWith('each.'));
    if (selector) throw new ConfigError(`${where}: selector "${selector}" reads a burst's responses, but the step has no "burst"`);
    if ((step.expect ?? []).some((a) => 'burst' in a)) throw new ConfigError(`${where}: a "burst" assertion needs a step with "burst"`);
    const builtIn = /\{\{\s*(\$index|\$item|\$caseVariantOf)\b/.exec(inRequest)?.[1];
    if (builtIn) throw new ConfigError(`${where}: {{${builtIn}}} is only defined in a burst step`);
  } else if (!step.burst.each && /\{\{\s*\$item\b/.test(inRequest)) {
    throw new ConfigError(`${where}: {{$item}} needs a burst with "each"`);
  }
}

/** Every template name a check uses ({{name}} in requests, assertions, captures' inputs, conditions). */
function namesUsedBy(check: CheckDef): Set<string> {
  const names = new Set<string>();
  for (const step of check.steps) {
    for (const n of templateNames({ request: step.request, expect: step.expect, onlyIf: step.onlyIf, register: step.register })) names.add(n);
    if (step.burst?.each) names.add(step.burst.each);
  }
  return names;
}

/**
 * Cross-file rules the JSON Schema cannot express: unique check ids, dependsOn naming existing checks without
 * cycles, and every {{variable}} defined somewhere in its suite (a suite variable or a capture).
 */
export function validateSuiteSet(loaded: LoadedSuite[]): void {
  const checks = new Map<string, { check: CheckDef; file: string }>();
  for (const { suite, file } of loaded) {
    for (const check of suite.checks) {
      if (checks.has(check.id)) throw new ConfigError(`${file}: duplicate check id "${check.id}" (also in ${checks.get(check.id)!.file})`);
      checks.set(check.id, { check, file });
    }
  }
  for (const { check, file } of checks.values()) {
    for (const dep of check.dependsOn ?? []) {
      if (!checks.has(dep)) throw new ConfigError(`${file}: check "${check.id}" depends on unknown check "${dep}"`);
    }
  }
  // Cycle detection by depth-first search over dependsOn.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new ConfigError(`dependency cycle: ${[...trail, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const dep of checks.get(id)!.check.dependsOn ?? []) visit(dep, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of checks.keys()) visit(id, []);

  for (const { suite, file } of loaded) {
    const defined = new Set(Object.keys(suite.variables ?? {}));
    if (suite.discovery) for (const name of DISCOVERY_VARIABLES) defined.add(name);
    for (const check of suite.checks) for (const step of check.steps) for (const name of Object.keys(step.capture ?? {})) defined.add(name);
    for (const name of templateNames(suite.variables ?? {})) {
      if (!defined.has(name)) throw new ConfigError(`${file}: variable {{${name}}} is used but never defined`);
    }
    for (const check of suite.checks) {
      checkExpressions(check, file);
      for (const name of namesUsedBy(check)) {
        if (!defined.has(name)) throw new ConfigError(`${file}: check "${check.id}" uses {{${name}}}, which no variable or capture of the suite defines`);
      }
    }
  }
}

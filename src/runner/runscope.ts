/**
 * Runscope / BlazeMeter API-test exports (the JSON files Okta publishes as its SCIM SPEC and CRUD tests) read as
 * one more suite format: each request step becomes one check, run by the same runner, reporters, transcripts and
 * cleanup as every other suite. What the export says is kept as written:
 * - steps in order; request headers exactly as written (nothing of scim-check's defaults is added); a step whose
 *   `Authorization` is `{{auth}}` (or `{{SCIMAuth}}`) carries the run's credential, any other value is sent
 *   literally (Okta's step 11 sends `Authorization: non-token`);
 * - `variables` extraction (a value not found leaves the variable unset, as in Runscope);
 * - the variables of Okta's initial scripts (Initial_Script_Spec.txt, the CRUD one), generated as those scripts
 *   define them: randomGivenName "Runscope" + 3 digits, randomFamilyName an upper-case letter + 8 lower-case
 *   letters + 3 digits, randomEmail = randomUsername = given + family + "@atko.com", randomUsernameCaps its upper
 *   case, InvalidUserEmail and UserIdThatDoesNotExist fixed; SCIMBaseURL is --url;
 * - assertions with Runscope's semantics (src/runner/runscope-assert.ts); scripts in an isolated context
 *   (src/runner/runscope-script.ts); no automatic RFC schema validation (Runscope has none);
 * - pause steps are reported as skipped, or waited out before the next request with --runscope-pauses.
 * A step scim-check cannot run faithfully — an unknown assertion type or source, a before-script, a form body, a
 * request to another host than the SCIM server (the CRUD test's Okta API calls), a variable nothing defines — is
 * reported as skipped with the reason, never as passed.
 */
import { basename } from 'node:path';
import { ConfigError } from './errors.js';
import { RUNSCOPE_COMPARISONS, RUNSCOPE_SOURCES, runscopePath } from './runscope-assert.js';
import type { Assertion, CheckDef, RequestDef, RunscopeAssertion, StepDef, SuiteFile } from './suite-format.js';

export interface RunscopeImportOptions {
  /** Wait out pause steps before the next request (default: report them as skipped). */
  runscopePauses?: boolean;
  /** Domain of the generated e-mails (default Okta's "atko.com", as its initial script has it). */
  userDomain?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when `data` looks like a Runscope test export rather than a scim-check suite. */
export function isRunscopeExport(data: unknown): boolean {
  return isObject(data) && !('checks' in data) && Array.isArray(data['steps']) && data['steps'].some((s) => isObject(s) && typeof s['step_type'] === 'string');
}

/** Variables whose value is the SCIM base URL under test (the start of every SCIM request's url). */
const BASE_URL_VARIABLES = ['SCIMBaseURL', 'SCIMUrl'];
/** Variables holding the whole Authorization value of the SCIM server: the run's credential. */
const CREDENTIAL_VARIABLES = ['auth', 'SCIMAuth'];

/** Okta's initial scripts, re-expressed as suite variables (expanded once, in order, when the suite starts). */
function initialVariables(domain: string): Record<string, string> {
  return {
    SCIMBaseURL: '{{$baseUrl}}',
    SCIMUrl: '{{$baseUrl}}',
    // Initial_Script_Spec.txt (SPEC test)
    randomGivenName: 'Runscope{{$digits:3}}',
    randomFamilyName: '{{$upper:1}}{{$lower:8}}{{$digits:3}}',
    randomEmail: `{{randomGivenName}}{{randomFamilyName}}@${domain}`,
    randomUsername: '{{randomEmail}}',
    InvalidUserEmail: `abcdefgh@${domain}`,
    UserIdThatDoesNotExist: '010101001010101011001010101011',
    randomUsernameCaps: '{{$upperOf:randomEmail}}',
    // Initial_Script_CRUD.txt (CRUD test)
    okta_user_firstname: 'Runscope{{$digits:3}}',
    okta_user_lastname: '{{$upper:1}}{{$lower:8}}{{$digits:3}}',
    okta_user_email: `{{okta_user_firstname}}{{okta_user_lastname}}@${domain}`,
    okta_user_firstname_update: '{{okta_user_firstname}}update',
    okta_user_title: 'Engineer',
    okta_user_primaryphone: '415.123.4567',
  };
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const namesIn = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'runscope-test';
}

/** Runscope header values are lists (sometimes a bare string). */
function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return undefined;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isObject(v) ? Object.keys(v).length > 0 : v !== undefined && v !== null && v !== '');

interface Converted {
  request: RequestDef;
  step: StepDef;
  /** Why the step cannot be run faithfully. */
  unsupported?: string;
}

/** The request of one Runscope step, or why it cannot be sent. */
function convertRequest(raw: Json): { request: RequestDef; unsupported?: string } {
  const placeholder: RequestDef = { method: 'GET', path: '/' };
  const method = String(raw['method'] ?? '').toUpperCase();
  if (!METHODS.has(method)) return { request: placeholder, unsupported: `its method ${JSON.stringify(raw['method'])} is not one scim-check sends` };
  const url = typeof raw['url'] === 'string' ? raw['url'].trim() : '';
  const base = BASE_URL_VARIABLES.map((name) => new RegExp(`^\\{\\{\\s*${name}\\s*\\}\\}`)).find((re) => re.test(url));
  if (!base) {
    return { request: placeholder, unsupported: `it is sent to ${JSON.stringify(url.split('?')[0])}, not to the SCIM base URL under test ({{SCIMBaseURL}}): scim-check only sends requests to --url` };
  }
  let path = url.replace(base, '');
  if (!path.startsWith('/')) path = `/${path}`;
  const request: RequestDef = { method: method as RequestDef['method'], path };

  if (nonEmpty(raw['auth'])) return { request: placeholder, unsupported: 'it uses Runscope step authentication (the `auth` block); scim-check sends the run\'s credential only through an Authorization header of {{auth}}' };
  if (nonEmpty(raw['form']) || nonEmpty(raw['multipart_form']) || nonEmpty(raw['binary_body'])) {
    return { request: placeholder, unsupported: 'it sends a form, multipart or binary body, which scim-check does not send' };
  }
  const headers: Record<string, string> = {};
  let credential = false;
  for (const [name, value] of Object.entries(isObject(raw['headers']) ? raw['headers'] : {})) {
    const text = headerValue(value);
    if (text === undefined) return { request: placeholder, unsupported: `its header ${name} has a value scim-check cannot read` };
    if (name.toLowerCase() === 'authorization' && CREDENTIAL_VARIABLES.some((v) => new RegExp(`^\\{\\{\\s*${v}\\s*\\}\\}$`).test(text.trim()))) {
      credential = true;
      continue;
    }
    headers[name] = text;
  }
  // Not the run's credential: none at all, or the step's own literal value (never replaced or refreshed).
  if (!credential) request.auth = 'none';
  // The suite declares no headers of its own, so these are exactly the headers sent.
  if (Object.keys(headers).length) request.headers = headers;
  if (typeof raw['body'] === 'string' && raw['body'] !== '') request.bodyText = raw['body'];
  return { request };
}

/** One Runscope assertion in the suite format, or why it cannot be judged. */
function convertAssertion(raw: unknown, n: number): RunscopeAssertion | string {
  if (!isObject(raw)) return `its assertion ${n} is not an object`;
  const comparison = String(raw['comparison'] ?? '');
  const from = String(raw['source'] ?? '');
  if (!RUNSCOPE_COMPARISONS.has(comparison)) return `its assertion ${n} uses the comparison ${JSON.stringify(comparison)}, which scim-check does not know`;
  if (!RUNSCOPE_SOURCES.has(from)) return `its assertion ${n} reads ${JSON.stringify(from)}, which scim-check does not know`;
  const property = typeof raw['property'] === 'string' ? raw['property'] : undefined;
  if (from === 'response_json' && property) {
    try {
      runscopePath(property);
    } catch {
      return `its assertion ${n} reads the property ${JSON.stringify(property)}, which scim-check cannot follow`;
    }
  }
  const value = raw['value'];
  const a: RunscopeAssertion = { runscope: comparison as RunscopeAssertion['runscope'], from: from as RunscopeAssertion['from'] };
  if (property) a.property = property;
  if (typeof value === 'string' || typeof value === 'number') a.value = value;
  return a;
}

/** A Runscope `variables` entry as a capture selector, or why it cannot be extracted. */
function captureSelector(raw: Json): { name: string; selector: string } | string | undefined {
  const name = raw['name'];
  if (typeof name !== 'string' || name === '') return undefined; // an empty row of the editor
  const property = typeof raw['property'] === 'string' ? raw['property'].trim() : '';
  switch (raw['source']) {
    case 'response_json':
      try {
        runscopePath(property);
      } catch {
        return `it extracts {{${name}}} from the property ${JSON.stringify(property)}, which scim-check cannot follow`;
      }
      return { name, selector: property === '' ? 'body' : `body${property.startsWith('[') ? '' : '.'}${property}` };
    case 'response_headers':
      return { name, selector: `header.${property}` };
    case 'response_status':
      return { name, selector: 'status' };
    default:
      return `it extracts {{${name}}} from ${JSON.stringify(raw['source'])}, which scim-check does not support`;
  }
}

function convertStep(raw: Json): Converted {
  const { request, unsupported } = convertRequest(raw);
  const step: StepDef = { request, autoValidate: false, captureOptional: true };
  if (unsupported) return { request, step, unsupported };
  const expect: Assertion[] = [];
  const assertions = Array.isArray(raw['assertions']) ? raw['assertions'] : [];
  for (const [i, a] of assertions.entries()) {
    const converted = convertAssertion(a, i + 1);
    if (typeof converted === 'string') return { request, step, unsupported: converted };
    expect.push(converted);
  }
  if (expect.length) step.expect = expect;
  const capture: Record<string, string> = {};
  for (const v of Array.isArray(raw['variables']) ? raw['variables'] : []) {
    if (!isObject(v)) continue;
    const c = captureSelector(v);
    if (typeof c === 'string') return { request, step, unsupported: c };
    if (c) capture[c.name] = c.selector;
  }
  if (Object.keys(capture).length) step.capture = capture;
  const before = (Array.isArray(raw['before_scripts']) ? raw['before_scripts'] : []).filter((s) => typeof s === 'string' && s.trim() !== '');
  if (before.length) return { request, step, unsupported: 'it has a before-request script, which scim-check does not run' };
  const scripts = (Array.isArray(raw['scripts']) ? raw['scripts'] : []).filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  if (scripts.length) step.script = scripts.join('\n;\n');
  return { request, step };
}

/** Names a script sets with variables.set("name", …): defined for the steps after it. */
const scriptSets = (script: string | undefined): string[] => [...(script ?? '').matchAll(/variables\.set\(\s*["']([^"']+)["']/g)].map((m) => m[1]!);

/** Converts a Runscope test export into a suite. Throws ConfigError when it is not one scim-check can read. */
export function suiteFromRunscope(data: unknown, file: string, options: RunscopeImportOptions = {}): SuiteFile {
  if (!isRunscopeExport(data)) throw new ConfigError(`${file}: not a Runscope test export (no "steps" with a "step_type")`);
  const exported = data as Json;
  const name = typeof exported['name'] === 'string' && exported['name'].trim() ? exported['name'].trim() : basename(file, '.json');
  const id = slug(name);
  const variables = initialVariables(options.userDomain ?? 'atko.com');
  const defined = new Set([...Object.keys(variables), ...CREDENTIAL_VARIABLES]);
  const checks: CheckDef[] = [];
  let requestNumber = 0;
  let pendingPauseMs = 0;
  for (const [index, rawStep] of (exported['steps'] as unknown[]).entries()) {
    const position = index + 1;
    if (!isObject(rawStep)) throw new ConfigError(`${file}: step ${position} is not an object`);
    const type = String(rawStep['step_type']);
    if (type === 'pause') {
      const seconds = Number(rawStep['duration'] ?? 0);
      if (options.runscopePauses) {
        pendingPauseMs += Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
        continue;
      }
      checks.push({
        id: `${id}/pause-${position}`,
        title: `Pause ${Number.isFinite(seconds) ? seconds : '?'} s`,
        description: `A Runscope pause of ${Number.isFinite(seconds) ? seconds : '?'} s between requests.`,
        level: 'MAY',
        source: `${name} (Runscope export ${basename(file)}), step ${position}`,
        unsupported: 'a pause: not waited out (--runscope-pauses waits them out)',
        steps: [{ request: { method: 'GET', path: '/' } }],
      });
      continue;
    }
    if (type !== 'request') {
      checks.push({
        id: `${id}/step-${position}-${slug(type)}`,
        title: `Runscope ${type} step`,
        description: `A Runscope step of type ${type}.`,
        level: 'MUST',
        source: `${name} (Runscope export ${basename(file)}), step ${position}`,
        unsupported: `a Runscope "${type}" step, which scim-check does not run`,
        steps: [{ request: { method: 'GET', path: '/' } }],
      });
      continue;
    }
    requestNumber++;
    const note = typeof rawStep['note'] === 'string' ? rawStep['note'].trim() : '';
    const converted = convertStep(rawStep);
    let unsupported = converted.unsupported ?? (rawStep['skipped'] === true ? 'the export marks this step as skipped' : undefined);
    if (!unsupported) {
      const used = [
        ...namesIn(JSON.stringify(converted.request)),
        ...(converted.step.expect ?? []).flatMap((a) => ('runscope' in a && typeof a.value === 'string' ? namesIn(a.value) : [])),
      ].filter((n) => !n.startsWith('$'));
      const undefinedName = used.find((n) => !defined.has(n));
      if (undefinedName) unsupported = `it uses {{${undefinedName}}}, which neither Okta's initial script nor an earlier step defines`;
    }
    for (const captured of Object.keys(converted.step.capture ?? {})) defined.add(captured);
    for (const set of scriptSets(converted.step.script)) defined.add(set);
    if (pendingPauseMs > 0 && !unsupported) converted.step.delayMs = Math.min(pendingPauseMs, 60_000);
    pendingPauseMs = 0;
    const method = converted.request.method;
    const what = `${method} ${typeof rawStep['url'] === 'string' ? rawStep['url'] : ''}`.trim();
    const check: CheckDef = {
      id: `${id}/step-${requestNumber}`,
      title: `Step ${requestNumber}: ${note.replace(/^(Required|Optional) Test:\s*/i, '') || what}`,
      description: `${note || what} — ${what}, as the Runscope export sends it, with its ${(converted.step.expect ?? []).length} assertions.`,
      level: /^optional\b/i.test(note) ? 'SHOULD' : 'MUST',
      source: `${name} (Runscope export ${basename(file)}), request step ${requestNumber}`,
      oktaStep: requestNumber,
      steps: [converted.step],
    };
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') check.writes = true;
    if (unsupported) check.unsupported = `not run: ${unsupported}`;
    checks.push(check);
  }
  if (requestNumber === 0) throw new ConfigError(`${file}: the Runscope export has no request steps`);
  const suite: SuiteFile = {
    id,
    title: name,
    description: typeof exported['description'] === 'string' ? exported['description'] : `Runscope test "${name}"`,
    source: `${name} (Runscope export ${basename(file)}), run as published`,
    variables,
    checks,
  };
  // Okta's SPEC test is what an OIN submission is judged by: the run's OIN verdict comes from it.
  if (/\bokta\b.*\bspec\b/i.test(name)) suite.oinVerdict = true;
  return suite;
}

/**
 * Runscope post-response scripts (a request step's `scripts`), run the way Runscope runs them, with only what
 * Okta's exports use: `response` (status, body, headers, response_time, size), `request` (method, url, headers,
 * body), `variables.get/set`, `log`, and a Chai-style `assert` (callable, plus ok, equal, notEqual, strictEqual,
 * notStrictEqual, isTrue, isFalse, isNull, isNotNull, isDefined, isUndefined, isArray, isObject, isString,
 * isNumber, isBoolean, isAbove, isBelow, include, lengthOf). The script runs in a fresh V8 context that holds
 * nothing of Node (no require, process or globals of this program; code generation from strings is off) and
 * is stopped after a second. Everything passes in and out as JSON text.
 *
 * A script that uses anything else (an unknown function, a library such as `_` or `moment`) cannot be judged:
 * the caller reports the step as skipped with that reason, never as passed.
 */
import { createContext, runInContext } from 'node:vm';

export interface ScriptInput {
  response: { status: number; body: string; headers: Record<string, string>; response_time: number; size: number };
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  variables: Record<string, string>;
}

export type ScriptOutcome =
  | { kind: 'passed'; variables: Record<string, string>; logs: string[] }
  | { kind: 'failed'; message: string; variables: Record<string, string>; logs: string[] }
  | { kind: 'unsupported'; reason: string };

const TIMEOUT_MS = 1000;

/** Defined inside the script's own context: nothing in it is an object of this program. */
const PRELUDE = `
"use strict";
var __input = JSON.parse(__inputJson);
var __vars = __input.variables;
var __logs = [];
function AssertionError(message) { this.message = String(message); }
var response = __input.response;
var request = __input.request;
var variables = {
  get: function (name) { return Object.prototype.hasOwnProperty.call(__vars, name) ? __vars[name] : undefined; },
  set: function (name, value) { __vars[String(name)] = value === undefined ? undefined : String(value); }
};
function log() { __logs.push(Array.prototype.map.call(arguments, function (a) { return typeof a === 'string' ? a : JSON.stringify(a); }).join(' ')); }
function __fail(message, fallback) { throw new AssertionError(message === undefined ? fallback : message); }
function assert(value, message) { if (!value) __fail(message, 'expected ' + JSON.stringify(value) + ' to be truthy'); }
assert.ok = assert;
assert.isOk = assert;
assert.notOk = function (v, m) { if (v) __fail(m, 'expected ' + JSON.stringify(v) + ' to be falsy'); };
assert.equal = function (a, b, m) { if (a != b) __fail(m, 'expected ' + JSON.stringify(a) + ' to equal ' + JSON.stringify(b)); };
assert.notEqual = function (a, b, m) { if (a == b) __fail(m, 'expected ' + JSON.stringify(a) + ' to not equal ' + JSON.stringify(b)); };
assert.strictEqual = function (a, b, m) { if (a !== b) __fail(m, 'expected ' + JSON.stringify(a) + ' to strictly equal ' + JSON.stringify(b)); };
assert.notStrictEqual = function (a, b, m) { if (a === b) __fail(m, 'expected ' + JSON.stringify(a) + ' to not strictly equal ' + JSON.stringify(b)); };
assert.isTrue = function (v, m) { if (v !== true) __fail(m, 'expected ' + JSON.stringify(v) + ' to be true'); };
assert.isFalse = function (v, m) { if (v !== false) __fail(m, 'expected ' + JSON.stringify(v) + ' to be false'); };
assert.isNull = function (v, m) { if (v !== null) __fail(m, 'expected ' + JSON.stringify(v) + ' to be null'); };
assert.isNotNull = function (v, m) { if (v === null) __fail(m, 'expected a value other than null'); };
assert.isDefined = function (v, m) { if (v === undefined) __fail(m, 'expected a defined value'); };
assert.isUndefined = function (v, m) { if (v !== undefined) __fail(m, 'expected ' + JSON.stringify(v) + ' to be undefined'); };
assert.isArray = function (v, m) { if (!Array.isArray(v)) __fail(m, 'expected ' + JSON.stringify(v) + ' to be an array'); };
assert.isObject = function (v, m) { if (v === null || typeof v !== 'object' || Array.isArray(v)) __fail(m, 'expected ' + JSON.stringify(v) + ' to be an object'); };
assert.isString = function (v, m) { if (typeof v !== 'string') __fail(m, 'expected ' + JSON.stringify(v) + ' to be a string'); };
assert.isNumber = function (v, m) { if (typeof v !== 'number') __fail(m, 'expected ' + JSON.stringify(v) + ' to be a number'); };
assert.isBoolean = function (v, m) { if (typeof v !== 'boolean') __fail(m, 'expected ' + JSON.stringify(v) + ' to be a boolean'); };
assert.isAbove = function (a, b, m) { if (!(a > b)) __fail(m, 'expected ' + JSON.stringify(a) + ' to be above ' + JSON.stringify(b)); };
assert.isBelow = function (a, b, m) { if (!(a < b)) __fail(m, 'expected ' + JSON.stringify(a) + ' to be below ' + JSON.stringify(b)); };
assert.include = function (h, n, m) { if (h == null || h.indexOf(n) < 0) __fail(m, 'expected ' + JSON.stringify(h) + ' to include ' + JSON.stringify(n)); };
assert.lengthOf = function (v, n, m) { if (v == null || v.length !== n) __fail(m, 'expected a length of ' + n); };
`;

const RUN = `
(function () {
  try {
    (function () { __script__ }).call(undefined);
    return JSON.stringify({ kind: 'passed', variables: __vars, logs: __logs });
  } catch (e) {
    if (e instanceof AssertionError) return JSON.stringify({ kind: 'failed', message: e.message, variables: __vars, logs: __logs });
    // An unknown name, or a function scim-check's stand-ins do not have: the script cannot be judged here.
    if (e instanceof ReferenceError || (e instanceof TypeError && /is not a (function|constructor)/.test(e.message))) return JSON.stringify({ kind: 'unsupported', reason: e.name + ': ' + e.message });
    if (e instanceof SyntaxError) return JSON.stringify({ kind: 'failed', message: 'the script threw ' + e.name + ': ' + e.message, variables: __vars, logs: __logs });
    return JSON.stringify({ kind: 'failed', message: 'the script threw: ' + (e && e.message !== undefined ? String(e.message) : String(e)), variables: __vars, logs: __logs });
  }
})()`;

/** Runs one script; never throws. */
export function runRunscopeScript(script: string, input: ScriptInput): ScriptOutcome {
  // A null-prototype sandbox: `this.constructor` leads to nothing of this program.
  const sandbox = Object.create(null) as Record<string, unknown>;
  sandbox['__inputJson'] = JSON.stringify(input);
  const context = createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  try {
    runInContext(PRELUDE, context, { timeout: TIMEOUT_MS });
    const out = runInContext(RUN.replace('__script__', () => `\n${script}\n`), context, { timeout: TIMEOUT_MS }) as unknown;
    return JSON.parse(String(out)) as ScriptOutcome;
  } catch (err) {
    // A syntax error of the script itself, or the time limit.
    // Errors of the script's context are not instances of this context's Error.
    const raw = (err as { message?: unknown } | null)?.message;
    const message = typeof raw === 'string' ? raw : String(err);
    if (/timed out/i.test(message)) return { kind: 'failed', message: `the script did not finish within ${TIMEOUT_MS} ms`, variables: input.variables, logs: [] };
    return { kind: 'unsupported', reason: `the script could not be read: ${message}` };
  }
}

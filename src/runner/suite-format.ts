/**
 * The suite file format: what a file in suites/ (or a user's --suite FILE) holds. The runner interprets it;
 * adding a check should not need runner code. The JSON Schema in suite.schema.json mirrors these types and
 * is what suite files are validated against at load time.
 *
 * Templates: any string in a request (path, query, header, body) or in an assertion's expected value may hold
 * `{{name}}` placeholders. A string that is exactly one placeholder keeps the variable's JSON type (so
 * `"active": "{{wasActive}}"` can send a boolean). Names resolve, in order, to: captures made so far in the
 * suite, the suite's `variables`, and built-ins:
 *   {{$prefix}}      the resource-name prefix (default "scim-check-"; --prefix)
 *   {{$domain}}      the e-mail/userName domain (default "example.com"; --user-domain)
 *   {{$uuid}}        a fresh random UUID
 *   {{$digits:N}}    N random digits;  {{$lower:N}} N random lowercase letters;  {{$upper:N}} N uppercase letters
 *   {{$upperOf:var}} the value of variable `var` in upper case;  {{$lowerOf:var}} in lower case
 *   {{$baseUrl}}     the SCIM base URL under test (e.g. to compare with meta.location)
 *   {{$tlsVerified}} true when the base URL is https:// and the certificate is verified (no --insecure)
 *   {{$authScheme}}  how the run authenticates: bearer, basic, oauth2, header (--header "Authorization: …") or none
 *   {{$retryAfters}} the Retry-After values of the 429 answers the run has had so far, comma-separated ("" if none)
 *   {{$membersOf:var}} a group's `members` value from a list of ids: [{"value": id}, …]
 *   {{$memberRemovalsOf:var}} Okta's removal operations for a list of ids: [{"op": "remove", "path": "members[value eq \"id\"]"}, …]
 *   {{$burst}}       the run's burst size (--burst, default 10);  {{$burstTiming}} "at once" or "within N ms" (--burst-spread)
 * Inside a burst step (see BurstDef) also:
 *   {{$index}}       the request's position in the burst (0-based);  {{$item}} the element of the `each` list it sends
 *   {{$caseVariantOf:var}} the value of `var` in a case form chosen by position: as is, UPPER, lower, then alternating
 *   {{$braces}}      a literal "{{" (so recorded text holding braces is sent as it was)
 * Check titles and descriptions may hold {{$burst}} and {{$burstTiming}}, so a report says what the run sent.
 * Suite `variables` are evaluated once, in order, when the suite starts (so later ones may use earlier ones).
 * Object keys in a body are templates too (e.g. `{"{{genCustomExtSchema}}": …}` for an extension URN read from
 * /Schemas); a key always becomes text.
 * In a request path, substituted values are URL-encoded (the literal text is not); query values are encoded whole.
 *
 * Request headers are data: what goes on the wire is exactly the suite's `headers` (plus its `bodyHeaders` on
 * requests with a body), then the step's `request.headers` (same name, any case: the step's value and spelling win),
 * minus the step's `request.omitHeaders`; then the run's `--header` values and credentials (an `Authorization` the
 * step names itself wins, e.g. Okta's literal `Authorization: non-token`, and is shown in transcripts as sent).
 * Nothing else is added but Host, Connection and Content-Length. A suite declaring no headers sends none: an
 * IdP's suite declares that IdP's documented set, e.g. Okta's
 *   "headers": { "Accept": "application/scim+json", "Accept-Charset": "utf-8", "User-Agent": "Okta SCIM Client 1.0.0" },
 *   "bodyHeaders": { "Content-Type": "application/scim+json; charset=utf-8" }
 * and a step that must send no User-Agent at all says `"omitHeaders": ["User-Agent"]`.
 *
 * Every response with a JSON body is also validated automatically against the RFC schema of its inferred kind
 * (Error for status >= 400, ListResponse for lists, User/Group/… by endpoint); an invalid body fails the check.
 * A step can turn that off with `autoValidate: false` (for checks that expect a non-SCIM answer).
 */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** Which attribute set of a --mapping file: sent on create, or on profile updates. */
export type MappingPhase = 'create' | 'update';

export interface SuiteFile {
  /** Short stable id used by --suite, e.g. "okta-spec". */
  id: string;
  title: string;
  description: string;
  /** Where the suite's behaviour comes from, e.g. "Okta SCIM 2.0 SPEC test (OIN submission)". */
  source: string;
  /** Okta app variant the suite models; omitted = all variants. (--okta-app oin|aiw selects.) */
  variant?: string;
  variables?: Record<string, string>;
  /** Headers of every request of the suite, in wire order (values are templates); see the top of this file. */
  headers?: Record<string, string>;
  /** Headers added to requests that carry a body (e.g. Content-Type). */
  bodyHeaders?: Record<string, string>;
  /**
   * "run": send the headers (and bodyHeaders) of the run's first suite that declares its own instead of this
   * suite's, e.g. the transport check joining an Entra run sends Entra's headers. This suite's own are used when it
   * runs alone.
   */
  headersFrom?: 'run';
  /** Shorthand for a `User-Agent` in `headers` (overrides it). */
  userAgent?: string;
  /** Included in every run that selects suites by name (e.g. the transport check), unless --only narrows the run. */
  always?: boolean;
  /**
   * Read the server's discovery endpoints before the first check (src/runner/discovery.ts): checks' `requires`
   * are decided from the advertised features, and `gen*` variables hold data generated from the served schemas.
   */
  discovery?: boolean;
  /**
   * This suite's checks are Okta's SCIM 2.0 SPEC test: the OIN readiness verdict of every report is read from the
   * checks that carry an `oktaStep` (the built-in okta-spec, or an imported Runscope export of the SPEC test, which
   * wins when both run). See src/report/failure-text.ts.
   */
  oinVerdict?: boolean;
  checks: CheckDef[];
}

/**
 * Optional features a check of a discovery suite can require: ServiceProviderConfig flags, a User extension, and
 * what the served User schemas declare — an immutable attribute (`immutable`), a unique attribute besides
 * userName (`uniqueAttribute`).
 */
export type Feature = 'patch' | 'bulk' | 'filter' | 'changePassword' | 'sort' | 'etag' | 'extension' | 'customExtension' | 'immutable' | 'uniqueAttribute';

/**
 * Which shape of Microsoft Entra ID's requests a check sends: "off" = a provisioning job without the
 * `aadOptscim062020` feature flag (string "False", `Remove` members with a value list, one `Replace` per path),
 * "on" = with it (boolean false, `members[value eq …]`, one path-less `replace` with dotted and URN keys).
 * `--entra-flag on|off|both` (default both) selects; a check without `entraFlag` sends a shape common to both.
 */
export type EntraFlag = 'on' | 'off';

export interface CheckDef {
  /** Globally unique, "<suite>/<name>", e.g. "okta-spec/create-user". */
  id: string;
  title: string;
  /** One sentence: what the check asserts. Shown by `scim-check list`. */
  description: string;
  level: Level;
  /** The RFC section or documented IdP behaviour the check stands for, e.g. "Okta SPEC test step 6; RFC 7644 §3.3". */
  source: string;
  /** Why a failure matters, shown with a failure (e.g. "Okta stops the provisioning task on any other status"). */
  impact?: string;
  /** True if any step creates, changes or deletes server state (left out by --read-only). */
  writes?: boolean;
  /** Check ids that must have passed first; if one did not, this check is skipped with that reason. */
  dependsOn?: string[];
  /** Only in this Okta app variant ("oin" default catalog behaviour, "aiw" private app). */
  variant?: string;
  /** Failures of this check are reported as warnings and never fail the run (e.g. plain-http transport). */
  warnOnly?: boolean;
  /** In a discovery suite: run only when the server advertises these features (else skipped with the reason). */
  requires?: Feature[];
  /** Only when the run sends this Entra feature-flag shape (see EntraFlag; --entra-flag). */
  entraFlag?: EntraFlag;
  /** Never run: reported as skipped with this reason (e.g. a replayed write to a resource the replay did not create). */
  skip?: string;
  /**
   * The number of the Okta SPEC-test step this check replays (1-12 in Okta's current file). Its Okta verdict is
   * its failures minus those "beyond Okta's test": assertions marked `beyondOkta`, the automatic RFC schema
   * validation and captures, which Okta's test does not have.
   */
  oktaStep?: number;
  /** Why this check cannot be run faithfully (e.g. an imported step with an unknown assertion type): reported as skipped. */
  unsupported?: string;
  steps: StepDef[];
}

export interface RequestDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Path relative to the SCIM base URL, e.g. "/Users/{{userId}}". May carry a query string. */
  path: string;
  /** Query parameters added to the path, URL-encoded by the runner (values are templates). */
  query?: Record<string, string>;
  /** The step's own headers: they override the suite's of the same name (values are templates). */
  headers?: Record<string, string>;
  /** JSON body (templates allowed in any string). */
  body?: unknown;
  /** A raw, non-JSON body, sent as is (for malformed-input checks). */
  rawBody?: string;
  /**
   * Values set in the JSON `body` after its templates are expanded, by path (`name.givenName`,
   * `["urn:…:enterprise:2.0:User"].department`, `emails[type=work].display`): with `"body": "{{readUser}}"` this is
   * Okta's profile push, the whole object read back with the changes merged in.
   */
  bodyMerge?: Record<string, unknown>;
  /** A text body whose {{templates}} are expanded as text, then sent as is (bodies of imported Runscope steps). */
  bodyText?: string;
  /** "default" = the run's credentials; "none" = no Authorization header; "invalid" = a wrong credential. */
  auth?: 'default' | 'none' | 'invalid';
  /** Headers (names, any case) of the suite's `headers`/`bodyHeaders` this request must not carry, e.g. "User-Agent". */
  omitHeaders?: string[];
  /**
   * Merge the run's custom attributes (--mapping FILE, src/runner/mapping.ts) into the JSON body: the "create" or
   * "update" set, extension URNs added to `schemas` (a PatchOp gets one path-less replace). No mapping: no change.
   */
  mapped?: MappingPhase;
}

export interface StepDef {
  name?: string;
  request: RequestDef;
  /**
   * Walk a list endpoint page by page: the request is sent with startIndex=1, 1+pageSize, … and count=pageSize
   * until startIndex > totalResults (or maxPages). `page` assertions then apply to the whole walk.
   * `advance: "returned"` computes each next startIndex as Microsoft's validation workflow does: the page's own
   * `startIndex` plus the number of resources it returned (default "pageSize": startIndex + pageSize).
   */
  walk?: { pageSize: number; maxPages?: number; advance?: 'pageSize' | 'returned' };
  /** Variable name → selector (see Selector). Captured values are visible to later steps and checks of the suite. */
  capture?: Record<string, string>;
  expect?: Assertion[];
  /** Register a created resource for cleanup (the runner also auto-registers any 2xx POST that returned an id). */
  register?: { resourceType: 'User' | 'Group'; id: string };
  /** Milliseconds to wait before sending (only where the behaviour under test needs it; rare). */
  delayMs?: number;
  /**
   * Run this step only when the condition holds, evaluated against the previous step's response and the variables
   * (e.g. `{"that": "var.userCount", "equals": 0}` to create a user only when the server has none).
   */
  onlyIf?: ValueAssertion;
  /** false = do not validate this step's responses against the RFC schemas automatically (default true). */
  autoValidate?: boolean;
  /**
   * A Runscope script run after the response, as Runscope runs it: in an isolated context with `response`,
   * `request`, `variables`, `assert` and `log` only (src/runner/runscope-script.ts). Something it uses that
   * scim-check does not provide makes the check skipped with the reason, never a silent pass.
   */
  script?: string;
  /** A capture that finds nothing leaves its variable unset instead of failing the step (Runscope's extraction). */
  captureOptional?: boolean;
  /** Send the request several times at once (concurrency checks); see BurstDef. */
  burst?: BurstDef;
}

/**
 * A burst: the step's request sent K times at once (each copy with its own templates: {{$index}}, {{$item}},
 * fresh {{$uuid}}s), all answers awaited together. In a burst step, `status`, `schema`, `maxMs` and `that`
 * assertions apply to every response (narrow them with `ifStatus`), a `burst` assertion counts the responses
 * by status, and `each.<selector>` reads one selector from every response (in request order, missing values left
 * out), e.g. `"capture": {"ids": "each.body.id"}`. Other selectors read the first response.
 */
export interface BurstDef {
  /** How many copies to send (default: the run's --burst, 10). Not with `each`. */
  count?: number;
  /** Send one request per element of this array variable (a capture); {{$item}} is the element. */
  each?: string;
  /** Start the requests evenly spread over this many ms (default: the run's --burst-spread, 0 = all at once). */
  spreadMs?: number;
}

/**
 * Selector: "status", "header.<name>", "body" or "body.<path>" where path is dotted with [n] indexes,
 * e.g. "body.Resources[0].emails[0].value", or [key=value] to pick an array element, e.g.
 * "body.emails[type=work].value". URN keys are written in brackets: body["urn:…:enterprise:2.0:User"].department.
 * "timeMs" is the response time. For walks: "walk.ids" (all ids seen), "walk.totalResults", "walk.pages".
 * "var.<name>" is a variable's current value. In a path, `[*]` maps the rest of the path over an array's
 * elements (missing values left out): "body.members[*].value" is the list of member ids.
 * In a burst step, "each.<selector>" is the list of that selector's values over every response.
 */
export type Selector = string;

interface AssertionBase {
  /** Overrides the check's source for this assertion. */
  source?: string;
  /** Human explanation shown on failure. */
  message?: string;
  /** Applies only to responses with this status (others pass it); in a burst, to each response with it. */
  ifStatus?: number;
  /**
   * A stricter finding than Okta's own SPEC test makes (in a check with `oktaStep`): it is reported, labelled
   * "beyond Okta's test", and fails the run like any check, but never changes the OIN readiness verdict.
   */
  beyondOkta?: boolean;
}

/** Runscope's comparisons, as its API-test exports (`assertions[].comparison`) name them. */
export type RunscopeComparison =
  | 'equal'
  | 'not_equal'
  | 'empty'
  | 'not_empty'
  | 'contains'
  | 'does_not_contain'
  | 'has_key'
  | 'has_value'
  | 'is_null'
  | 'is_a_number'
  | 'equal_number'
  | 'is_less_than'
  | 'is_less_than_or_equal'
  | 'is_greater_than'
  | 'is_greater_than_or_equal';

/** Where a Runscope assertion reads its value (`assertions[].source`). */
export type RunscopeSource = 'response_status' | 'response_json' | 'response_headers' | 'response_text' | 'response_time' | 'response_size';

/**
 * An assertion with Runscope's semantics (src/runner/runscope-assert.ts): e.g. `equal` compares text, so a JSON
 * number 404 equals "404" and `true` equals "true". Okta's SPEC test is written in these; the okta-spec suite uses
 * them for exactly Okta's assertions, so its OIN verdict is Okta's.
 */
export interface RunscopeAssertion {
  runscope: RunscopeComparison;
  from: RunscopeSource;
  /** The JSON path (`Resources[0].id`) or header name; empty or absent = the whole value. */
  property?: string;
  /** The expected value as Runscope stores it (text, sometimes a number); templates are expanded. */
  value?: string | number | null;
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

/** A predicate on a selected value; every predicate given must hold. */
export interface ValueAssertion {
  that: Selector;
  equals?: unknown;
  equalsIgnoreCase?: string;
  notEquals?: unknown;
  exists?: boolean;
  notEmpty?: boolean;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';
  /**
   * Array contains an element deep-equal to this (or, for objects, one that has these fields); a string contains
   * this substring; an object has these fields (recursively).
   */
  contains?: unknown;
  notContains?: unknown;
  /** An array that `contains` every element of this array (e.g. `"{{memberIds}}"`); names the ones missing. */
  containsAll?: unknown;
  /** A regular expression (JavaScript syntax) the string value must match. */
  matches?: string;
  length?: number;
  lengthAtLeast?: number;
  lessThan?: number;
}

/**
 * In a walk step, status/schema/maxMs and `that` assertions on "body…", "header…", "status" apply to every page;
 * `walk` assertions and `that` on "walk.…" apply to the whole walk: `noDuplicates`, `complete` (totalResults
 * distinct resources, `includes` these ids unless the walk stopped at maxPages), `totalConsistent`, `startIndexEchoed` (every page's startIndex is the
 * one asked for).
 */
export type Assertion = AssertionBase &
  (
    /** One status, any of several, or a class: "2xx", "4xx", … */
    | { status: number | number[] | StatusClass }
    | { schema: SchemaName }
    | { maxMs: number }
    | { walk: 'noDuplicates' | 'complete' | 'totalConsistent' | 'startIndexEchoed'; includes?: string[] }
    /** Every attribute of the run's --mapping set came back as sent, in `at` (default "body"); no mapping: passes. */
    | { mapped: MappingPhase; at?: Selector }
    /**
     * Burst steps: how many responses had each status. Keys are a status ("409"), a class ("2xx") or "none" (no
     * response); values a count, "all" (every response), or "rest" (all but those counted by the other keys).
     * E.g. {"201": 1, "409": "rest"}: exactly one create succeeded, every other one got 409.
     */
    | { burst: Record<string, number | 'all' | 'rest'> }
    | RunscopeAssertion
    | ValueAssertion
  );

import type { SchemaName } from '../core/json-schemas/schema-name.js';
export type { SchemaName };

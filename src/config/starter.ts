import { DEFAULT_SUITE_IDS } from '../common/suite-ids.js';

/**
 * The starter config `scim-check init` writes. JSON has no comments, so each explained option is preceded by a
 * "//name" key, which the schema accepts and the loader ignores. Secrets are "$env:NAME" references.
 */
export function starterConfig(): string {
  const starter = {
    $schema: './node_modules/scim-check/dist/src/config/config.schema.json',
    '//': [
      'scim-check configuration. Flags override SCIM_CHECK_* environment variables, which override this file.',
      'Keys starting with "//" are comments. Any string value may be "$env:NAME" to read it from the environment.',
      'Paths in this file are relative to this file.',
    ],
    '//url': 'Base URL of your SCIM API (remove it to try scim-check against its embedded reference server).',
    url: 'https://app.example.com/scim/v2',
    '//token': [
      'Bearer token, read from the SCIM_TOKEN environment variable so the secret stays out of this file.',
      'Basic instead: "basic": { "user": "scim", "pass": "$env:SCIM_PASSWORD" }.',
      'OAuth 2.0 client credentials instead: "oauth": { "tokenUrl": "https://…/token", "clientId": "…", "clientSecret": "$env:SCIM_CLIENT_SECRET", "scope": "scim" }.',
    ],
    token: '$env:SCIM_TOKEN',
    '//suites': 'Suites to run: ids from `scim-check list`, "all", or paths to your own suite files.',
    suites: [...DEFAULT_SUITE_IDS],
    '//oktaApp': '"oin" for an OIN catalog app; "aiw" for a private app integration (Okta then updates users with PUT).',
    oktaApp: 'oin',
    '//timeout': 'Per-request timeout (milliseconds, or "500ms", "30s", "2m"). "deadline" limits the whole run the same way.',
    timeout: '30s',
    '//reporters': 'Where results go: "pretty" (terminal), "json", "junit", "markdown", "html", "tap"; "NAME=FILE" writes a file.',
    reporters: ['pretty', 'junit=scim-check.xml', 'html=scim-check.html'],
    '//allowFailures': 'Check ids known to fail: reported as "known" without failing the run, and flagged once they pass.',
    allowFailures: [],
    '//readOnly': 'true: run only the checks that change nothing on the target.',
    readOnly: false,
    '//more': 'Also: headers, ca, insecure, proxy, only, keep, prefix, userDomain, mapping, strict, bail, concurrency (see the README).',
  };
  return `${JSON.stringify(starter, null, 2)}\n`;
}

/**
 * What `--idp` changes besides the default suites (src/common/suite-ids.ts): what the embedded reference server
 * serves, so an IdP's suite has something to exercise. Each suite carries its IdP's request headers itself, and the
 * runner's first request is sent with the first suite's headers.
 */
import { attr } from '../core/schema/define.js';
import type { SchemaDef } from '../core/schema/types.js';

/**
 * An app's custom User extension as Entra addresses it (Microsoft: customize-application-attributes.md,
 * `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute`). The embedded server serves
 * it when the entra suite runs, so the custom-attribute checks have a target.
 */
export const ENTRA_CUSTOM_EXTENSION: SchemaDef = {
  id: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User',
  name: 'CustomExtensionName',
  description: "An app's custom attributes, mapped in Entra's attribute mappings",
  attributes: [attr('costCode', 'string', 'Cost code of the user.'), attr('badgeColor', 'string', 'Badge colour.')],
};

/** Extensions the embedded server needs for the suites of a run (none for the Okta suites). */
export function embeddedExtensionsFor(suiteIds: readonly string[]): SchemaDef[] {
  return suiteIds.includes('entra') ? [ENTRA_CUSTOM_EXTENSION] : [];
}

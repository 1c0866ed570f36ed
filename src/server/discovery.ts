/** Discovery endpoints (RFC 7644 §4): what this server supports, built from the schema definitions it uses. */
import type { ResourceModel } from '../core/schema/resolve.js';
import { ScimError } from '../core/scim-error.js';
import { LIST_RESPONSE_SCHEMA, RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from '../core/schema/urns.js';
import type { SchemaDef } from '../core/schema/types.js';
import type { ScimResponse } from './exchange.js';
import type { DiscoveryEndpoint } from './route.js';
import { quoted } from './respond.js';

export interface DiscoveryInput {
  url: string;
  models: ResourceModel[];
  maxResults: number;
  bearer: boolean;
  basic: boolean;
}

/** The three discovery documents, built once per server. */
export class Discovery {
  private readonly config: Record<string, unknown>;
  private readonly resourceTypes: Record<string, unknown>[];
  private readonly schemas: Record<string, unknown>[];

  constructor(input: DiscoveryInput) {
    const { url } = input;
    const authenticationSchemes: Record<string, unknown>[] = [];
    if (input.bearer) {
      authenticationSchemes.push({
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A static bearer token in the Authorization header (Authorization: Bearer <token>).',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      });
    }
    if (input.basic) {
      authenticationSchemes.push({
        type: 'httpbasic',
        name: 'HTTP Basic',
        description: 'HTTP Basic authentication with a user name and password.',
        specUri: 'https://www.rfc-editor.org/rfc/rfc7617',
        ...(input.bearer ? {} : { primary: true }),
      });
    }
    this.config = {
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: input.maxResults },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes,
      meta: { resourceType: 'ServiceProviderConfig', location: `${url}/ServiceProviderConfig` },
    };
    this.resourceTypes = input.models.map((m) => ({
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: m.resourceType.id,
      name: m.resourceType.name,
      endpoint: m.resourceType.endpoint,
      description: m.resourceType.description,
      schema: m.resourceType.schema,
      schemaExtensions: m.resourceType.schemaExtensions,
      meta: { resourceType: 'ResourceType', location: `${url}/ResourceTypes/${m.resourceType.id}` },
    }));
    // Resource schemas only (RFC 7644 §4: "information about resource schemas"). The service provider schemas of
    // RFC 7643 §8.7.2 are left out on purpose: their representation there has known errata (schemaExtensions
    // marked single-valued while every ResourceType carries a list; no "binary" among the types), and a client
    // building models from them would then reject this server's own discovery documents.
    const seen = new Set<string>();
    const defs: SchemaDef[] = [];
    for (const m of input.models) {
      for (const s of [m.core, ...m.extensions]) {
        if (!seen.has(s.id)) defs.push(s);
        seen.add(s.id);
      }
    }
    this.schemas = defs.map((s) => ({
      schemas: [SCHEMA_SCHEMA],
      id: s.id,
      name: s.name,
      description: s.description,
      attributes: s.attributes,
      meta: { resourceType: 'Schema', location: `${url}/Schemas/${s.id}` },
    }));
  }

  /** GET on a discovery endpoint (query parameters are ignored, as RFC 7644 §4 allows). */
  get(endpoint: DiscoveryEndpoint, id: string | undefined): ScimResponse {
    if (endpoint === 'ServiceProviderConfig') return { status: 200, body: this.config };
    const all = endpoint === 'ResourceTypes' ? this.resourceTypes : this.schemas;
    if (id === undefined) {
      return {
        status: 200,
        body: { schemas: [LIST_RESPONSE_SCHEMA], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all },
      };
    }
    const found = all.find((r) => r['id'] === id);
    if (!found) throw new ScimError(404, `No ${endpoint === 'ResourceTypes' ? 'resource type' : 'schema'} with id ${quoted(id)}.`);
    return { status: 200, body: found };
  }
}

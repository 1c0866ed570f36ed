import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

export {
  USER_SCHEMA as USER,
  GROUP_SCHEMA as GROUP,
  ENTERPRISE_USER_SCHEMA as ENTERPRISE,
  PATCH_OP_SCHEMA as PATCH_OP,
  ERROR_SCHEMA as ERROR,
  LIST_RESPONSE_SCHEMA as LIST,
  SEARCH_REQUEST_SCHEMA as SEARCH,
} from '../../src/core/schema/urns.js';
import { ERROR_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../src/core/schema/urns.js';

/** Ids of the default seed (fixtures/seed.json). */
export const SEED = {
  ada: '5d0f7a2e-6c1b-4f3e-9a57-1b2c3d4e5f60',
  grace: '8a3c1e94-2b7d-4c60-8f15-7e9d0a1b2c3d',
  engineering: 'c4f2b8d6-1a3e-4b5c-9d7f-0e1a2b3c4d5e',
};

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface Client {
  server: RunningServer;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Sends a raw body string (for malformed JSON, odd content types). */
  raw(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Reply>;
}

export async function startClient(options: ServerOptions = {}): Promise<Client> {
  const server = await startServer({ port: 0, token: 'test-token', quiet: true, ...options });
  const raw = async (method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Reply> => {
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
  return {
    server,
    raw,
    call: (method, path, body, headers = {}) =>
      raw(method, path, body === undefined ? undefined : JSON.stringify(body), {
        authorization: 'Bearer test-token',
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      }),
  };
}

export const newUser = (userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: [USER_SCHEMA],
  userName,
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ value: `${userName.toLowerCase()}`, type: 'work', primary: true }],
  active: true,
  ...extra,
});

export const patchOp = (...operations: unknown[]): Record<string, unknown> => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

/** Asserts the shape of a SCIM Error response (RFC 7644 §3.12) and returns its body. */
export function expectScimError(reply: Reply, status: number, scimType?: string): Record<string, unknown> {
  const problems: string[] = [];
  if (reply.status !== status) problems.push(`status ${reply.status} != ${status}`);
  if (!reply.headers.get('content-type')?.startsWith('application/scim+json')) problems.push(`content-type ${reply.headers.get('content-type')}`);
  const body = reply.body as Record<string, unknown> | undefined;
  if (!body || !Array.isArray(body['schemas']) || body['schemas'][0] !== ERROR_SCHEMA) problems.push('schemas');
  if (body?.['status'] !== String(status)) problems.push(`body status ${String(body?.['status'])}`);
  if (typeof body?.['detail'] !== 'string' || body['detail'] === '') problems.push('detail');
  if (scimType !== undefined && body?.['scimType'] !== scimType) problems.push(`scimType ${String(body?.['scimType'])} != ${scimType}`);
  if (problems.length > 0) throw new Error(`not the expected SCIM error: ${problems.join('; ')}\n${reply.text.slice(0, 500)}`);
  return body!;
}

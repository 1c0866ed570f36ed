// Okta's header sets on the wire (issue 10 item 3): the raw request bytes of okta-spec's steps 6 and 11 and of an
// Okta profile-push PUT, captured on a socket, carry exactly the headers Okta's test and Okta's client send.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from '../../src/index.js';
import { startRawCapture, type RawAnswer, type RawCapture, type RawRequest } from '../helpers/raw-requests.js';

const TOKEN = 'okta-wire-Secret-T0ken-3';

/** A tiny SCIM stand-in behind the raw capture: creates echo the body with an id, reads return what was stored. */
function scimAnswers(origin: () => string): (request: RawRequest) => RawAnswer {
  const stored = new Map<string, Record<string, unknown>>();
  const json = (status: number, body: unknown): RawAnswer => ({ status, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
  const error = (status: number): RawAnswer => json(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: `HTTP ${status}` });
  return (request) => {
    const [method = '', target = ''] = request.line.split(' ');
    const path = target.split('?')[0]!.replace(/^\/scim\/v2/, '');
    const authorization = request.headerLines.find((l) => /^authorization:/i.test(l));
    if (authorization !== `Authorization: Bearer ${TOKEN}`) return error(401);
    const one = /^\/(Users|Groups)\/([^/]+)$/.exec(path);
    if (method === 'POST' && /^\/(Users|Groups)$/.test(path)) {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      const id = randomUUID();
      delete body['password'];
      const resource = { ...body, id, meta: { resourceType: path === '/Users' ? 'User' : 'Group', location: `${origin()}/scim/v2${path}/${id}` } };
      stored.set(id, resource);
      // A user's read-only groups follow the groups it is a member of.
      for (const member of path === '/Groups' && Array.isArray(body['members']) ? (body['members'] as { value: string }[]) : []) {
        const user = stored.get(member.value);
        if (user) user['groups'] = [...((user['groups'] as unknown[] | undefined) ?? []), { value: id, display: body['displayName'] }];
      }
      return json(201, resource);
    }
    if (one && (method === 'GET' || method === 'PUT')) {
      const found = stored.get(one[2]!);
      if (!found) return error(404);
      if (method === 'PUT') stored.set(one[2]!, { ...(JSON.parse(request.body) as Record<string, unknown>), id: one[2] });
      return json(200, stored.get(one[2]!));
    }
    if (one && method === 'DELETE') return stored.delete(one[2]!) ? { status: 204 } : error(404);
    if (method === 'GET') return json(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    return error(400);
  };
}

/** The request's header lines, sorted, without the ones the HTTP library adds itself. */
const headerSet = (request: RawRequest): string[] => request.headerLines.filter((l) => !/^(host|connection|content-length):/i.test(l)).sort();

let capture: RawCapture;
let spec: RunResult;
let users: RunResult;
beforeAll(async () => {
  capture = await startRawCapture(scimAnswers(() => capture.origin));
  const url = `${capture.origin}/scim/v2`;
  spec = await run({ url, token: TOKEN, suites: ['okta-spec'], only: ['okta-spec/create-user', 'okta-spec/bad-credentials'] });
  users = await run({ url, token: TOKEN, suites: ['okta-users'], only: ['okta-users/profile-push-put'] });
}, 60_000);
afterAll(async () => capture.close());

describe("Okta's header sets, byte for byte on the wire", () => {
  it('SPEC step 6 (create): Content-Type application/json, Accept with charset, no User-Agent, no Accept-Charset', () => {
    const create = capture.requests.find((r) => r.line === 'POST /scim/v2/Users HTTP/1.1' && r.body.includes('Avery'))!;
    expect(headerSet(create)).toEqual(['Accept: application/scim+json; charset=utf-8', `Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json'].sort());
    expect(create.headerLines).toContain(`content-length: ${Buffer.byteLength(create.body)}`);
    expect(spec.suites[0]!.checks.find((c) => c.id === 'okta-spec/create-user')?.exchanges).toHaveLength(1);
  });

  it('SPEC step 11: the literal "Authorization: non-token" and Okta\'s GET headers, no credential of the run', () => {
    const step11 = capture.requests.find((r) => r.headerLines.includes('Authorization: non-token'))!;
    expect(step11.line).toMatch(/^GET \/scim\/v2\/Users\?filter=userName%20eq%20%22SCIM-CHECK-AVERY\d{3}[A-Z]+\d{3}%40EXAMPLE\.COM%22 HTTP\/1\.1$/);
    expect(headerSet(step11)).toEqual(
      ['Accept: application/scim+json', 'Accept-Charset: utf-8', 'Authorization: non-token', 'Content-Type: application/scim+json; charset=utf-8', 'User-Agent: OKTA SCIM Integration'].sort(),
    );
    expect(step11.head).not.toContain(TOKEN);
    expect(spec.oin?.steps.find((s) => s.step === 11)?.passed).toBe(true); // the stand-in answered 401 with a SCIM error
  });

  it("an Okta profile push: PUT of the whole user with Okta's headers", () => {
    const put = capture.requests.find((r) => r.line.startsWith('PUT /scim/v2/Users/'))!;
    expect(headerSet(put)).toEqual(
      // As Okta's captured requests show (Okta SCIM reference, 2019 wire captures).
      ['Accept: application/scim+json', 'Accept-Charset: utf-8', 'Accept-Encoding: gzip,deflate', `Authorization: Bearer ${TOKEN}`, 'Content-Type: application/scim+json; charset=utf-8', 'User-Agent: Okta SCIM Client 1.0.0'].sort(),
    );
    const body = JSON.parse(put.body) as Record<string, unknown>;
    // The whole object read back, with the group Group Push gave the user and the changes merged in.
    expect(body).toMatchObject({ id: expect.any(String), meta: expect.any(Object), groups: [expect.objectContaining({ value: expect.any(String) })], name: { middleName: expect.any(String) } });
    expect(users.suites[0]!.checks.find((c) => c.id === 'okta-users/profile-push-put')?.status).toBe('passed');
  });
});

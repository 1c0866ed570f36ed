/**
 * The request mixes `scim-check load` drives: what Okta and Microsoft Entra send while provisioning — lookups by
 * userName filter, creates, profile updates, deactivations and group membership PATCHes — in their own request
 * shapes (README "Okta setup"; Entra's from Microsoft's SCIM guide), in fixed proportions. The proportions are our
 * model of a provisioning burst (neither IdP publishes one); the shapes are the IdPs' documented ones.
 */
import { randomInt } from 'node:crypto';
import { IDPS, type Idp } from '../../common/suite-ids.js';

export { IDPS, type Idp };

export type OperationKind = 'lookup' | 'create' | 'update' | 'deactivate' | 'membership';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Relative to the SCIM base URL, with its query. */
  path: string;
  body?: string;
}

/** A request to send, with what to do with its answer. */
export interface PlannedRequest {
  request: LoadRequest;
  /** Called with a success answer's JSON (e.g. a create's id). */
  onSuccess?(json: unknown): void;
  /** Called once the request is over, whatever the outcome (frees what it held). */
  release?(): void;
}

export interface Operation {
  kind: OperationKind;
  /** How reports name it, e.g. "lookup (GET /Users?filter)". */
  label: string;
  /** Share of all requests, in percent. */
  weight: number;
  /** Statuses that count as success. */
  ok: readonly number[];
  plan(state: MixState): PlannedRequest;
}

export interface LoadUser {
  id: string;
  userName: string;
  givenName: string;
  familyName: string;
  email: string;
}

/** What the mix builds requests from: users and groups the run made, and names for new ones. */
export class MixState {
  readonly users: LoadUser[] = [];
  readonly groups: { id: string; members: Set<string> }[] = [];
  /** Users in a membership change right now: two changes of one pair at once would race each other. */
  private readonly busy = new Set<string>();
  private turn = 0;

  constructor(
    readonly prefix: string,
    readonly domain: string,
  ) {}

  newUser(): Omit<LoadUser, 'id'> {
    const tag = `${letters(1).toUpperCase()}${letters(5)}${randomInt(1_000_000).toString().padStart(6, '0')}`;
    const userName = `${this.prefix}load-${tag}@${this.domain}`;
    return { userName, givenName: 'Load', familyName: tag, email: `${this.prefix}load-${tag}.work@${this.domain}` };
  }

  /** The next user in turn (spreads updates over every user the run made). */
  someUser(): LoadUser {
    return this.users[this.turn++ % this.users.length]!;
  }

  /**
   * A user not in a membership change right now, and a group; marked busy until `free`. When every user is busy
   * (a slow server, many requests in flight) the user is shared: `exclusive` is false and the change must be one
   * that cannot fail whatever the others do (an add), and is not recorded.
   */
  claimMembership(): { user: LoadUser; group: { id: string; members: Set<string> }; exclusive: boolean; free: () => void } {
    const group = this.groups[this.turn % this.groups.length]!;
    for (let tries = 0; tries < this.users.length; tries++) {
      const user = this.someUser();
      if (this.busy.has(user.id)) continue;
      this.busy.add(user.id);
      return { user, group, exclusive: true, free: () => this.busy.delete(user.id) };
    }
    return { user: this.someUser(), group, exclusive: false, free: () => undefined };
  }
}

function letters(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(97 + randomInt(26));
  return out;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const filterFor = (userName: string): string => encodeURIComponent(`userName eq "${userName}"`);

/** The body Okta sends to create a user (also what a profile push PUTs, with the change). */
function oktaUser(u: Omit<LoadUser, 'id'>, active = true): string {
  return JSON.stringify({
    schemas: [USER_SCHEMA],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName },
    emails: [{ primary: true, value: u.email, type: 'work' }],
    displayName: `${u.givenName} ${u.familyName}`,
    locale: 'en-US',
    externalId: u.userName,
    groups: [],
    password: `Pw-${letters(12)}`,
    active,
  });
}

function entraUser(u: Omit<LoadUser, 'id'>): string {
  return JSON.stringify({
    schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: u.userName,
    userName: u.userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: u.email }],
    meta: { resourceType: 'User' },
    name: { formatted: `${u.givenName} ${u.familyName}`, familyName: u.familyName, givenName: u.givenName },
    roles: [],
  });
}

/** A lookup of a user the run made (found) every other time, of a new name (not found: Okta's pre-create check) otherwise. */
function lookupTarget(state: MixState): string {
  return state.users.length && randomInt(2) === 0 ? state.someUser().userName : state.newUser().userName;
}

/** A create: its answer's id joins the users later requests work on. */
function createOf(state: MixState, body: (u: Omit<LoadUser, 'id'>) => string): PlannedRequest {
  const user = state.newUser();
  return {
    request: { method: 'POST', path: '/Users', body: body(user) },
    onSuccess: (json) => {
      const id = (json as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && id !== '') state.users.push({ ...user, id });
    },
  };
}

/** Membership changes in the IdP's shapes, each of a user not in one already: a remove when a member, else an add. */
function membership(add: (userId: string, userName: string) => unknown, remove: (userId: string) => unknown): Operation {
  return {
    kind: 'membership',
    label: 'membership (PATCH /Groups/{id})',
    weight: 20,
    ok: [200, 204],
    plan(state) {
      const { user, group, exclusive, free } = state.claimMembership();
      const adding = !exclusive || !group.members.has(user.id);
      const body = { schemas: [PATCH_OP], Operations: [adding ? add(user.id, user.userName) : remove(user.id)] };
      const request: LoadRequest = { method: 'PATCH', path: `/Groups/${encodeURIComponent(group.id)}`, body: JSON.stringify(body) };
      if (!exclusive) return { request };
      return { request, onSuccess: () => (adding ? group.members.add(user.id) : group.members.delete(user.id)), release: free };
    },
  };
}

const path = (id: string): string => `/Users/${encodeURIComponent(id)}`;

const OKTA: Operation[] = [
  {
    kind: 'lookup',
    label: 'lookup (GET /Users?filter)',
    weight: 30,
    ok: [200],
    plan: (state) => ({ request: { method: 'GET', path: `/Users?filter=${filterFor(lookupTarget(state))}&startIndex=1&count=100` } }),
  },
  { kind: 'create', label: 'create (POST /Users)', weight: 15, ok: [201], plan: (state) => createOf(state, (u) => oktaUser(u)) },
  {
    kind: 'update',
    label: 'profile update (PUT /Users/{id})',
    weight: 25,
    ok: [200],
    plan: (state) => {
      const user = state.someUser();
      return { request: { method: 'PUT', path: path(user.id), body: oktaUser({ ...user, givenName: `Load${randomInt(1000)}` }) } };
    },
  },
  {
    kind: 'deactivate',
    label: 'deactivation (PATCH /Users/{id})',
    weight: 10,
    ok: [200, 204],
    plan: (state) => ({
      request: { method: 'PATCH', path: path(state.someUser().id), body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }) },
    }),
  },
  membership(
    (id, userName) => ({ op: 'add', path: 'members', value: [{ value: id, display: userName }] }),
    (id) => ({ op: 'remove', path: `members[value eq "${id}"]` }),
  ),
];

const ENTRA: Operation[] = [
  {
    kind: 'lookup',
    label: 'lookup (GET /Users?filter)',
    weight: 30,
    ok: [200],
    plan: (state) => ({ request: { method: 'GET', path: `/Users?filter=${filterFor(lookupTarget(state))}` } }),
  },
  { kind: 'create', label: 'create (POST /Users)', weight: 15, ok: [201], plan: (state) => createOf(state, entraUser) },
  {
    kind: 'update',
    label: 'profile update (PATCH /Users/{id})',
    weight: 25,
    ok: [200, 204],
    plan: (state) => {
      const user = state.someUser();
      const Operations = [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: user.email },
        { op: 'Replace', path: 'name.familyName', value: `${user.familyName}${randomInt(10)}` },
      ];
      return { request: { method: 'PATCH', path: path(user.id), body: JSON.stringify({ schemas: [PATCH_OP], Operations }) } };
    },
  },
  {
    kind: 'deactivate',
    label: 'deactivation (PATCH /Users/{id})',
    weight: 10,
    ok: [200, 204],
    plan: (state) => ({
      request: { method: 'PATCH', path: path(state.someUser().id), body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }) },
    }),
  },
  membership(
    (id) => ({ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }),
    (id) => ({ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }),
  ),
];

export interface Mix {
  idp: Idp;
  operations: Operation[];
  /** Headers on every request (the IdP's own; Entra documents no User-Agent, so none is sent). */
  headers: Record<string, string>;
  bodyHeaders: Record<string, string>;
  /** The body that creates a setup group (Okta: with an empty member list; Entra: without members). */
  groupBody(displayName: string): string;
  /** The body that creates a setup user. */
  userBody(user: Omit<LoadUser, 'id'>): string;
}

export function mixFor(idp: Idp): Mix {
  if (idp === 'entra') {
    return {
      idp,
      operations: ENTRA,
      headers: { Accept: 'application/scim+json' },
      bodyHeaders: { 'Content-Type': 'application/scim+json' },
      groupBody: (displayName) => JSON.stringify({ schemas: [GROUP_SCHEMA], externalId: displayName, displayName, meta: { resourceType: 'Group' } }),
      userBody: entraUser,
    };
  }
  return {
    idp,
    operations: OKTA,
    headers: { Accept: 'application/scim+json', 'Accept-Charset': 'utf-8', 'User-Agent': 'Okta SCIM Client 1.0.0' },
    bodyHeaders: { 'Content-Type': 'application/scim+json; charset=utf-8' },
    groupBody: (displayName) => JSON.stringify({ schemas: [GROUP_SCHEMA], displayName, members: [] }),
    userBody: (u) => oktaUser(u),
  };
}

/**
 * The order operations are sent in: a smooth weighted round robin over 100 slots, so every second of the run has
 * the same mix (a random draw would bunch creates together at low rates).
 */
export function schedule(operations: readonly Operation[]): Operation[] {
  const current = operations.map(() => 0);
  const total = operations.reduce((sum, op) => sum + op.weight, 0);
  const order: Operation[] = [];
  for (let slot = 0; slot < total; slot++) {
    operations.forEach((op, i) => (current[i]! += op.weight));
    let best = 0;
    for (let i = 1; i < operations.length; i++) if (current[i]! > current[best]!) best = i;
    current[best]! -= total;
    order.push(operations[best]!);
  }
  return order;
}

/**
 * Consistent pseudonyms for personal data in a recording (--pseudonymise): userNames, e-mail addresses and
 * people's names. The same original always gets the same pseudonym within a recording (userNames and e-mails
 * case-insensitively, as SCIM compares userName), so a lookup `userName eq "…"` still finds what a later create
 * made, and a replay behaves as the recorded traffic did.
 *
 * Values are learnt where SCIM puts them (a User's userName, name.*, displayName, nickName, emails[].value, a
 * group member's or manager's display name) and from the quoted values of filters on those attributes, which
 * often come before the create (Okta looks a user up before creating it). JSON strings are replaced only when the
 * whole value was learnt (a short given name must never eat into "urn:…:User"); filters, URL paths and non-JSON
 * bodies are scanned for learnt values standing alone (not inside a longer word), longest first.
 */

/** User attributes whose string values are personal data. */
const NAME_PARTS = ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'];
const PERSON_KEYS = new Set(['username', 'displayname', 'nickname']);
/** Filter attribute paths whose compared value is personal data. */
const FILTER_ATTRIBUTES = /^(?:urn:[^\s]*:)?(userName|displayName|nickName|emails(?:\[[^\]]*\])?(?:\.value)?|emails\.value|name\.(?:formatted|familyName|givenName|middleName))$/i;

type Kind = 'user' | 'email' | 'name';

/** Members whose strings are identifiers, never free text to scan. */
const IDENTIFIER_KEYS = new Set(['id', 'schemas', '$ref', 'resourceType', 'location', 'version', 'op', 'type', 'externalId']);
/** Learnt values shorter than this are replaced only where they stand whole. */
const MIN_SCANNED = 3;

export class Pseudonymiser {
  /** Original (lower-cased) → pseudonym. */
  private readonly map = new Map<string, string>();
  private readonly pseudonyms = new Set<string>();
  private readonly counters: Record<Kind, number> = { user: 0, email: 0, name: 0 };
  private scanPattern: RegExp | undefined;
  private patternSize = 0;

  /**
   * Learns the personal values of one message body (a resource, a list, a PatchOp, a .search request). `group`:
   * the body is about a group (a /Groups request), whose displayName is the group's name, not a person's — whether
   * a value is personal is decided the same way wherever it first appears, so the file is consistent from line one.
   */
  learnBody(body: unknown, group = false, depth = 0, parentKey = ''): void {
    if (depth > 32 || typeof body !== 'object' || body === null) return;
    if (Array.isArray(body)) {
      // A user's `groups` name groups, not people; a group's `members` are people (or groups, named by display).
      if (parentKey.toLowerCase() === 'groups') return;
      const inner = parentKey.toLowerCase() === 'members' ? false : group;
      for (const item of body) this.learnBody(item, inner, depth + 1);
      return;
    }
    const record = body as Record<string, unknown>;
    const schemas = Array.isArray(record.schemas) ? record.schemas.filter((x): x is string => typeof x === 'string') : [];
    const isGroup = schemas.some((x) => /:Group$/i.test(x)) || (group && !schemas.some((x) => /:User$/i.test(x)));
    for (const [key, value] of Object.entries(record)) {
      const lower = key.toLowerCase();
      if (typeof value === 'string') {
        if (lower === 'username') this.learn(value, value.includes('@') ? 'email' : 'user');
        else if ((lower === 'displayname' && !isGroup) || lower === 'nickname') this.learn(value, 'name');
        else if (lower === 'display' && typeof record.value === 'string' && record.value !== value) this.learn(value, 'name');
        else if (lower === 'value' && typeof record.type === 'string' && value.includes('@')) this.learn(value, 'email');
        else if (lower === 'filter') this.learnFilter(value, isGroup);
      } else if (lower === 'name' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const part of NAME_PARTS) {
          const text = (value as Record<string, unknown>)[part];
          if (typeof text === 'string') this.learn(text, 'name');
        }
      } else if (lower === 'emails' && Array.isArray(value)) {
        for (const email of value) {
          const text = (email as Record<string, unknown> | null)?.value;
          if (typeof text === 'string') this.learn(text, 'email');
        }
      } else if (lower === 'operations' && Array.isArray(value)) {
        for (const op of value) this.learnOperation(op, isGroup, depth + 1);
      } else {
        this.learnBody(value, isGroup, depth + 1, key);
      }
    }
  }

  /**
   * Learns the compared values of a SCIM filter on personal attributes (`userName eq "x"`, `emails co "y"`).
   * On /Groups (`group`), displayName is a group's name and is left alone.
   */
  learnFilter(filter: string, group = false): void {
    const comparison = /([A-Za-z0-9_:.$\-[\]" ]+?)\s+(?:eq|ne|co|sw|ew)\s+"((?:[^"\\]|\\.)*)"/gi;
    for (const match of filter.matchAll(comparison)) {
      const full = match[1]!.trim().replace(/^\(+/, '');
      const attribute = full.replace(/^.*\[/, '');
      if (group && /(^|:)displayName$/i.test(attribute)) continue;
      let literal: string;
      try {
        literal = JSON.parse(`"${match[2]!}"`) as string;
      } catch {
        continue;
      }
      if (FILTER_ATTRIBUTES.test(full) || FILTER_ATTRIBUTES.test(attribute)) this.learn(literal, literal.includes('@') ? 'email' : /username/i.test(full) ? 'user' : 'name');
    }
  }

  private learnOperation(op: unknown, group: boolean, depth: number): void {
    if (typeof op !== 'object' || op === null) return;
    const { path, value } = op as { path?: unknown; value?: unknown };
    if (typeof path === 'string' && typeof value === 'string') {
      const leaf = path.replace(/^urn:[^\s]*:/, '');
      if (/^userName$/i.test(leaf)) this.learn(value, value.includes('@') ? 'email' : 'user');
      else if (/^displayName$/i.test(leaf) && !group) this.learn(value, 'name');
      else if (/^(nickName|name\.(formatted|familyName|givenName|middleName))$/i.test(leaf)) this.learn(value, 'name');
      else if (/^emails/i.test(leaf) && value.includes('@')) this.learn(value, 'email');
    } else if (typeof path === 'string' && /^name$/i.test(path)) {
      this.learnBody({ name: value }, group, depth);
    } else if (typeof path === 'string' && /^emails/i.test(path)) {
      this.learnBody({ emails: Array.isArray(value) ? value : [value] }, group, depth);
    } else if (typeof path === 'string' && /^members/i.test(path)) {
      this.learnBody({ members: Array.isArray(value) ? value : [value] }, false, depth);
    } else {
      this.learnBody(value, group, depth);
    }
  }

  private learn(original: string, kind: Kind): void {
    if (original.trim() === '' || PERSON_KEYS.has(original.toLowerCase())) return;
    const key = original.toLowerCase();
    if (this.map.has(key) || this.pseudonyms.has(original)) return;
    const n = ++this.counters[kind];
    // Pseudonyms keep the shape a server may validate: an e-mail stays an address on a reserved domain.
    const pseudonym = kind === 'email' ? `person${n}@example.invalid` : kind === 'user' ? `user${n}` : `Name${n}`;
    this.map.set(key, pseudonym);
    this.pseudonyms.add(pseudonym);
  }

  /** The pseudonym of a whole value, or undefined when it is not personal data the recording has seen. */
  of(value: string): string | undefined {
    return this.map.get(value.toLowerCase());
  }

  /** Replaces learnt values inside free text (filters, non-JSON bodies, URL paths), longest first. */
  replaceIn(text: string): string {
    if (this.map.size === 0 || text.length === 0) return text;
    if (!this.scanPattern || this.patternSize !== this.map.size) {
      const originals = [...this.map.keys()].filter((o) => o.length >= MIN_SCANNED).sort((a, b) => b.length - a.length);
      const forms = new Set<string>();
      for (const original of originals) {
        forms.add(escapeRegExp(original));
        forms.add(escapeRegExp(encodeURIComponent(original)));
      }
      this.scanPattern = new RegExp(`(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))(?:${[...forms].join("|")})(?![A-Za-z0-9])`, "gi");
      this.patternSize = this.map.size;
    }
    return text.replace(this.scanPattern, (found) => {
      const direct = this.of(found);
      if (direct !== undefined) return direct;
      let decoded: string;
      try {
        decoded = decodeURIComponent(found);
      } catch {
        return found;
      }
      const pseudonym = this.of(decoded);
      return pseudonym === undefined ? found : encodeURIComponent(pseudonym);
    });
  }

  /**
   * Copy of a JSON value with every learnt value replaced: whole strings, and inside free text (a filter, an
   * error's detail). Never inside identifiers: URNs, URLs, ids, schema names — "User" as somebody's given name
   * must not rename "urn:…:core:2.0:User".
   */
  apply(value: unknown, depth = 0, key = ''): unknown {
    if (typeof value === 'string') return this.of(value) ?? (IDENTIFIER_KEYS.has(key) || /^(urn:|https?:\/\/)/i.test(value) ? value : this.replaceIn(value));
    if (depth > 32 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.apply(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      Object.defineProperty(out, name, { value: this.apply(item, depth + 1, name), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, resolvePath, userModel } from '../../src/core/schema/index.js';

describe('resolvePath', () => {
  const model = userModel();

  it('resolves core attributes case-insensitively, with sub-attributes', () => {
    const r = resolvePath(model, { attr: 'NAME', sub: 'givenname' });
    expect(r).toMatchObject({ kind: 'attribute', container: null, def: { name: 'name' }, sub: { name: 'givenName' } });
  });

  it('resolves URN-qualified core and extension attributes', () => {
    expect(resolvePath(model, { uri: USER_SCHEMA, attr: 'userName' })).toMatchObject({ def: { name: 'userName' } });
    expect(resolvePath(model, { uri: ENTERPRISE_USER_SCHEMA, attr: 'department' })).toMatchObject({
      container: ENTERPRISE_USER_SCHEMA,
      def: { name: 'department' },
    });
  });

  it('resolves a whole extension written as its URN split on the last colon', () => {
    const idx = ENTERPRISE_USER_SCHEMA.lastIndexOf(':');
    const r = resolvePath(model, { uri: ENTERPRISE_USER_SCHEMA.slice(0, idx), attr: ENTERPRISE_USER_SCHEMA.slice(idx + 1) });
    expect(r).toMatchObject({ kind: 'extension', schema: { id: ENTERPRISE_USER_SCHEMA } });
  });

  it('rejects unknown names, including prototype keys', () => {
    for (const attr of ['__proto__', 'constructor', 'toString', 'nope']) {
      expect(resolvePath(model, { attr })).toBeUndefined();
    }
    expect(resolvePath(model, { attr: 'name', sub: '__proto__' })).toBeUndefined();
  });
});

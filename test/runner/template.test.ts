import { describe, expect, it } from 'vitest';
import { ConfigError, CheckError } from '../../src/runner/errors.js';
import { expandDeep, expandString, expandText, templateNames, type TemplateContext } from '../../src/runner/template.js';

const ctx = (vars: Record<string, unknown> = {}): TemplateContext => ({
  vars: new Map(Object.entries(vars)),
  prefix: 'scim-check-',
  domain: 'example.com',
  baseUrl: 'https://sp.example/scim/v2',
});

describe('templates', () => {
  it('replaces variables inside text and keeps the JSON type of a lone placeholder', () => {
    const c = ctx({ id: 'u1', active: false, n: 3, obj: { a: 1 } });
    expect(expandString('/Users/{{id}}', c)).toBe('/Users/u1');
    expect(expandString('{{active}}', c)).toBe(false);
    expect(expandString('{{ n }}', c)).toBe(3);
    expect(expandString('n={{n}} o={{obj}}', c)).toBe('n=3 o={"a":1}');
    expect(expandDeep({ active: '{{active}}', list: ['{{id}}', 2], nested: { v: 'x-{{id}}' } }, c)).toEqual({ active: false, list: ['u1', 2], nested: { v: 'x-u1' } });
  });

  it('offers the built-ins', () => {
    const c = ctx({ userName: 'Mixed.Case@Example.com' });
    expect(expandString('{{$prefix}}', c)).toBe('scim-check-');
    expect(expandString('{{$domain}}', c)).toBe('example.com');
    expect(expandString('{{$baseUrl}}', c)).toBe('https://sp.example/scim/v2');
    expect(expandString('{{$uuid}}', c)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(expandString('{{$digits:5}}', c)).toMatch(/^\d{5}$/);
    expect(expandString('{{$lower:4}}{{$upper:2}}', c)).toMatch(/^[a-z]{4}[A-Z]{2}$/);
    expect(expandString('{{$upperOf:userName}}', c)).toBe('MIXED.CASE@EXAMPLE.COM');
    expect(expandString('{{$lowerOf:userName}}', c)).toBe('mixed.case@example.com');
    expect(expandString('{{$uuid}}', c)).not.toBe(expandString('{{$uuid}}', c));
  });

  it('URL-encodes substituted values in paths, not the literal text', () => {
    expect(expandText('/Users/{{id}}?x=1', ctx({ id: 'a b/c' }), encodeURIComponent)).toBe('/Users/a%20b%2Fc?x=1');
  });

  it('a variable without a value is a check error; an unknown built-in a configuration error', () => {
    expect(() => expandString('{{missing}}', ctx())).toThrow(CheckError);
    expect(() => expandString('{{$nope}}', ctx())).toThrow(ConfigError);
    expect(() => templateNames('{{$digits}}')).toThrow(/needs a length/);
    expect(() => templateNames('{{$prefix:3}}')).toThrow(/takes no argument/);
  });

  it('lists the variable names a value refers to, including built-in arguments', () => {
    expect(templateNames({ a: '{{x}}-{{$prefix}}', b: ['{{$upperOf:y}}'], c: 5 })).toEqual(['x', 'y']);
  });
});

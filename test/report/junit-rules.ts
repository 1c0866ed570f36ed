import { expect } from 'vitest';
import { parseXml, type XmlElement } from './xml-check.js';

/**
 * The structure rules of the common JUnit XSD (Jenkins junit-10.xsd), checked by hand: which elements may
 * appear where and in what order, which attributes they may carry, which are required, and number formats.
 */
const RULES: Record<string, { attrs: string[]; required: string[]; children: string[][] }> = {
  testsuites: { attrs: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'], required: [], children: [['testsuite']] },
  testsuite: {
    attrs: ['name', 'tests', 'failures', 'errors', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'],
    required: ['name', 'tests'],
    children: [['properties'], ['testcase'], ['system-out'], ['system-err']],
  },
  testcase: { attrs: ['name', 'assertions', 'time', 'classname', 'status'], required: ['name'], children: [['skipped'], ['error'], ['failure'], ['system-out'], ['system-err']] },
  failure: { attrs: ['message', 'type'], required: [], children: [] },
  error: { attrs: ['message', 'type'], required: [], children: [] },
  skipped: { attrs: ['message'], required: [], children: [] },
  'system-out': { attrs: [], required: [], children: [] },
  'system-err': { attrs: [], required: [], children: [] },
};
const INTEGER_ATTRS = ['tests', 'failures', 'errors', 'skipped', 'disabled', 'assertions', 'id'];

function checkStructure(el: XmlElement, path = el.name): void {
  const rule = RULES[el.name];
  if (!rule) throw new Error(`${path}: element <${el.name}> is not in the JUnit schema`);
  for (const a of Object.keys(el.attrs)) if (!rule.attrs.includes(a)) throw new Error(`${path}: attribute ${a} not allowed`);
  for (const a of rule.required) if (!(a in el.attrs)) throw new Error(`${path}: attribute ${a} missing`);
  for (const a of INTEGER_ATTRS) if (a in el.attrs && !/^\d+$/.test(el.attrs[a]!)) throw new Error(`${path}: ${a}="${el.attrs[a]}" is not an integer`);
  if ('time' in el.attrs && !/^\d+(\.\d+)?$/.test(el.attrs.time!)) throw new Error(`${path}: time="${el.attrs.time}" is not a decimal`);
  if ('timestamp' in el.attrs && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(el.attrs.timestamp!)) throw new Error(`${path}: bad timestamp`);
  // Children must follow the XSD's sequence: each child's group index never goes back.
  let group = 0;
  for (const child of el.children) {
    const at = rule.children.findIndex((names) => names.includes(child.name));
    if (at < 0) throw new Error(`${path}: <${child.name}> not allowed inside <${el.name}>`);
    if (at < group) throw new Error(`${path}: <${child.name}> out of order`);
    if (at === group && el.name === 'testcase' && child.name === 'skipped' && el.children.filter((c) => c.name === 'skipped').length > 1) throw new Error(`${path}: two <skipped>`);
    group = at;
    checkStructure(child, `${path}/${child.name}`);
  }
  if (el.name !== 'system-out' && el.name !== 'system-err' && el.name !== 'failure' && el.name !== 'error' && el.text.trim() !== '') {
    throw new Error(`${path}: unexpected text`);
  }
}

/** Parses, checks the XSD rules and that every count attribute matches the cases it sums up. */
export function parseJunit(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  checkStructure(root);
  const cases = (s: XmlElement) => s.children.filter((c) => c.name === 'testcase');
  const having = (s: XmlElement, name: string) => cases(s).filter((c) => c.children.some((x) => x.name === name)).length;
  for (const suite of root.children) {
    expect(Number(suite.attrs.tests)).toBe(cases(suite).length);
    expect(Number(suite.attrs.failures)).toBe(having(suite, 'failure'));
    expect(Number(suite.attrs.errors)).toBe(having(suite, 'error'));
    expect(Number(suite.attrs.skipped)).toBe(having(suite, 'skipped'));
  }
  const sum = (attr: string) => root.children.reduce((n, s) => n + Number(s.attrs[attr]), 0);
  expect(Number(root.attrs.tests)).toBe(sum('tests'));
  expect(Number(root.attrs.failures)).toBe(sum('failures'));
  expect(Number(root.attrs.errors)).toBe(sum('errors'));
  return root;
}


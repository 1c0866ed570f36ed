/** ResourceTable's externalId index (not unique: one entry held directly, several in a set) through inserts, updates and removals. */
import { describe, expect, it } from 'vitest';
import { ResourceTable, type Entry } from '../../src/server/table.js';

const entry = (id: string, externalId?: string): Entry => ({ id, slot: 0, resource: { id, userName: id, ...(externalId ? { externalId } : {}) } });
const holders = (table: ResourceTable, externalId: string): string[] => [...table.getByExternalId(externalId)].map((e) => e.id).sort();

describe('ResourceTable externalId index', () => {
  it('finds every holder of an externalId as holders come, change and go', () => {
    const table = new ResourceTable((r) => r['userName'] as string);
    const [a, b, c] = [entry('a', 'x'), entry('b', 'x'), entry('c', 'y')];
    for (const e of [a, b, c]) table.insert(e);
    expect(holders(table, 'x')).toEqual(['a', 'b']);
    expect(holders(table, 'y')).toEqual(['c']);
    table.update(c, { ...c.resource, externalId: 'x' });
    expect(holders(table, 'x')).toEqual(['a', 'b', 'c']);
    expect(holders(table, 'y')).toEqual([]);
    table.remove(a);
    table.remove(c);
    expect(holders(table, 'x')).toEqual(['b']);
    table.update(b, { ...b.resource, externalId: 'z' });
    expect(holders(table, 'x')).toEqual([]);
    expect(holders(table, 'z')).toEqual(['b']);
    const d = entry('d', 'z');
    table.insert(d);
    expect(holders(table, 'z')).toEqual(['b', 'd']);
    table.update(d, { ...d.resource, externalId: undefined });
    expect(holders(table, 'z')).toEqual(['b']);
  });
});

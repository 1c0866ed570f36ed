// Start-up cost: a plain client must not load undici's index (fetch, WebSocket, cache, mocks: ~150 ms), only its Agent.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';

it('creating a client without a proxy loads undici\'s Agent module, not the whole package', async () => {
  const require = createRequire(import.meta.url);
  const loaded = (): string[] => Object.keys(require.cache).filter((path) => /[\\/]node_modules[\\/]undici[\\/]/.test(path));
  const client = createClient({ baseUrl: 'http://127.0.0.1:9/scim/v2', auth: { kind: 'none' }, env: {} });
  await client.close();
  expect(loaded().some((path) => path.endsWith('agent.js'))).toBe(true);
  expect(loaded().filter((path) => /[\\/]undici[\\/]index\.js$/.test(path))).toEqual([]);
});

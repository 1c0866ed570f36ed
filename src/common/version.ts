import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels above dist/src/common and src/common alike). */
let cached: string | undefined;
export function toolVersion(): string {
  if (cached === undefined) {
    for (const rel of ['../../../package.json', '../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'scim-check' && pkg.version) {
          cached = pkg.version;
          break;
        }
      } catch {
        // try the next candidate
      }
    }
    cached ??= '0.0.0';
  }
  return cached;
}

// PLACEHOLDER (owned by the server helper): signatures are the contract; bodies get replaced.
import type { SchemaDef } from '../core/schema/types.js';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Bearer token; when neither token nor basic is given, a random token is generated. */
  token?: string;
  basic?: { user: string; pass: string };
  basePath?: string;
  /** 'default' = fixtures/seed.json, 'none' = empty, or a path to a seed JSON file. */
  seed?: 'default' | 'none' | string;
  quiet?: boolean;
  /** Receives one log line per request (default: stdout unless quiet). */
  log?: (line: string) => void;
  /** Fault ids (see `scim-check serve --list-faults`). */
  faults?: string[];
  latencyMs?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
  maxBodyBytes?: number;
  /** Extra User extension schemas (custom attributes), served in /Schemas and accepted on Users. */
  extensions?: SchemaDef[];
}

export interface RunningServer {
  /** Base URL including the base path, e.g. http://127.0.0.1:8080/scim/v2 */
  url: string;
  port: number;
  /** The bearer token in force (generated when none was given). */
  token: string | undefined;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  throw new Error(`startServer not implemented (${Object.keys(options).length})`);
}

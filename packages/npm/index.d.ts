// Types of auth0-offline's Node API. The tenant mints valid tokens for anyone who asks, signed
// with public TEST-ONLY keys: use it in tests and CI only.

/** Options of {@link startTenant}. */
export interface TenantOptions {
  /** A tenant file (JSON: APIs, clients, users; docs/tenant-file.md). Default: the quickstart tenant. */
  tenantFile?: string;
  /** More `mock-tenant` options (`--random-keys`, `--issuer URL`, ...). */
  args?: string[];
  /** How long to wait for the tenant to start. Default 30000. */
  timeoutMs?: number;
}

/** What {@link Tenant.token} mints. A string is a defect's name. */
export interface TokenOptions {
  /** A defect (`mock-tenant defects` lists them: `exp-past`, `aud-wrong`, `alg-none`, ...). */
  defect?: string;
  /** Claims replacing the valid token's, before the defect applies (`null` removes one). */
  claims?: Record<string, unknown>;
  /** Header fields replacing the valid token's. */
  header?: Record<string, unknown>;
  /** The whole `scope` claim. */
  scope?: string;
}

/** A JWKS fault's kind (docs/control-api.md); its fields go in `fields`. */
export type JwksFaultKind =
  | 'status' | 'drop' | 'delay' | 'junk' | 'extra_key' | 'extra_keys' | 'no_alg' | 'odd_keys' | 'body';

/** The key ids the tenant signs with and publishes. */
export interface Keys {
  current: string;
  next: string;
  previous: string | null;
  published: string[];
}

/** Auth0's answer from `/oauth/token`. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** A running mock tenant on https://localhost:PORT. */
export interface Tenant {
  /** `localhost:PORT`: AUTH0_DOMAIN for your API. */
  readonly domain: string;
  /** `https://localhost:PORT/`. */
  readonly issuer: string;
  /** The issuer without its trailing slash. */
  readonly url: string;
  /** The API identifier tokens are minted for. */
  readonly audience: string;
  /** The CA certificate (PEM file) your API must trust: NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** Every variable the tenant prints, for the process of the API under test. */
  readonly env: Record<string, string>;
  /** An M2M client with every scope. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The tenant process's id. */
  readonly pid: number;
  /** What the tenant printed so far. */
  readonly log: string;
  /** A signed access token: the valid one, or one with a defect. */
  token(options?: TokenOptions | string): Promise<string>;
  /** `/oauth/token` with the M2M client, as a real client asks. */
  clientCredentials(scope?: string): Promise<TokenResponse>;
  /** The next key becomes current; the old one stays published as previous. */
  rotateKeys(): Promise<Keys>;
  /** Breaks the JWKS (`jwksFault('status', { status: 503 })`); `jwksFault(null)` mends it. */
  jwksFault(kind: JwksFaultKind | null, fields?: Record<string, unknown>): Promise<void>;
  /** Moves the `iat`/`exp` of tokens minted from now on by this many seconds. */
  clock(offsetSecs: number): Promise<void>;
  /** Requests per path since the start or the last reset. */
  stats(): Promise<Record<string, number>>;
  /** How often the JWKS was fetched. */
  jwksFetches(): Promise<number>;
  /** Everything the control API can change: `config`, `keys`, `fault`, `clock_offset`, ... */
  state(): Promise<Record<string, unknown>>;
  /** Back to the start: keys, faults, clock, counters, configuration. */
  reset(): Promise<void>;
  /** Stops the tenant and removes its files. */
  stop(): Promise<void>;
}

/** Starts `mock-tenant` on a free loopback port; resolves once it serves. */
export function startTenant(options?: TenantOptions): Promise<Tenant>;

/** Options of {@link runConformance}: exactly one of `url` and `exec`. */
export interface ConformanceOptions {
  /** An API your test started; give the `tenant` it trusts. */
  url?: string;
  /** A command the suite starts itself, once per fresh tenant (PORT, AUTH0_DOMAIN, ... set). */
  exec?: string;
  /** The tenant the API at `url` trusts: tokens are minted there, its state put back after. */
  tenant?: Tenant;
  /** A built-in profile (`auth0-quickstart`, `jose`, `express-oauth2-jwt-bearer`, ...). */
  profile?: string;
  /** A profile file (JSON). */
  profileFile?: string;
  /** Only the cases whose id starts with one of these. */
  only?: string[];
  /** Audit every operation of this OpenAPI document (file, URL, or path on the API). */
  openapi?: string;
  /** More `conformance` options. */
  args?: string[];
  /** Default 900000. */
  timeoutMs?: number;
}

/** One case's result. */
export interface Outcome {
  id: string;
  category: string;
  severity: string;
  spec: string;
  about: string;
  verdict:
    | 'pass' | 'pass-tolerated' | 'not-applicable' | 'warn-conformance' | 'warn-strict'
    | 'fail-strict' | 'fail-robustness' | 'fail-functional' | 'fail-unsafe';
  note: string;
  exchanges: Array<{ request: string; status?: number | null; body: string }>;
  contaminated_by?: string;
  operation?: string;
}

/** The parsed JSON report (`conformance --json`). */
export interface Report {
  format_version: number;
  tool_version: string;
  target: string;
  profile: string;
  outcomes: Outcome[];
  wall_ms: number;
  /** The failed outcomes (not enumerable: not in JSON.stringify). */
  readonly failures: Outcome[];
}

/** Runs the suite; resolves to the report (failures included), rejects when it cannot judge. */
export function runConformance(options: ConformanceOptions): Promise<Report>;

/** The path of the `mock-tenant` or `conformance` binary. */
export function binary(name: 'mock-tenant' | 'conformance'): string;

import { randomUUID, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { systemClock, type Clock } from '../../clock/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';

// A local Maskinporten token endpoint (transports notes §3.1, §8.2): it takes the JWT-bearer grant,
// checks it as Maskinporten does — RS256 by the key of the x5c certificate, which must be one of the
// organisations it knows; audience; a lifetime of at most 120 s; an Altinn system user only for a known
// organisation — and issues opaque tokens that the fake Altinn can look up.

export interface MaskinportenOrganisation {
  orgnr: string;
  certificatePem: string;
}

export interface FakeMaskinportenOptions {
  organisations: readonly MaskinportenOrganisation[];
  port?: number;
  host?: string;
  clock?: Clock;
  tokenLifetimeSeconds?: number;
}

/** What a token issued by the fake stands for. */
export interface MaskinportenGrant {
  token: string;
  /** The organisation whose certificate signed the grant. */
  orgnr: string;
  clientId: string;
  scopes: string[];
  /** `0192:<orgnr>` of the Altinn system user asked for in `authorization_details`. */
  systemUserOrg?: string;
  systemUserName?: string;
  expiresAt: Date;
}

export interface FakeMaskinporten {
  /** The token endpoint, for `efm.maskinporten.url`. */
  tokenUrl: string;
  /** The issuer the grant's `aud` must name, for `efm.maskinporten.audience`. */
  audience: string;
  failures: FailureControl;
  /** Every token issued, oldest first. */
  readonly issued: readonly MaskinportenGrant[];
  /** The grant behind a token, while it is valid. */
  lookup(token: string): MaskinportenGrant | undefined;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 0, tokenLifetimeSeconds: 120, maxGrantLifetimeSeconds: 120 };
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

class GrantError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

export async function startFakeMaskinporten(options: FakeMaskinportenOptions): Promise<FakeMaskinporten> {
  const clock = options.clock ?? systemClock;
  const lifetimeS = options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds;
  const failures = createFailureInjector();
  const certificates = new Map(options.organisations.map((o) => [new X509Certificate(o.certificatePem).fingerprint256, o.orgnr]));
  const knownOrgs = new Set(options.organisations.map((o) => o.orgnr));
  const issued: MaskinportenGrant[] = [];
  const byToken = new Map<string, MaskinportenGrant>();
  let audience = '';

  async function grant(assertion: string): Promise<MaskinportenGrant> {
    const header = decodeProtectedHeader(assertion);
    if (header.alg !== 'RS256') throw new GrantError('invalid_grant', 'Invalid assertion. Only RS256 is supported');
    const der = header.x5c?.[0];
    if (der === undefined) throw new GrantError('invalid_client', 'Invalid assertion. Client authentication needs an x5c certificate');
    const certificate = new X509Certificate(Buffer.from(der, 'base64'));
    const orgnr = certificates.get(certificate.fingerprint256);
    if (orgnr === undefined) throw new GrantError('invalid_client', 'Invalid assertion. The certificate is not registered for any client');
    const { payload } = await jwtVerify(assertion, certificate.publicKey, { audience, algorithms: ['RS256'], currentDate: clock.now() })
      .catch((e: unknown) => { throw new GrantError('invalid_grant', `Invalid assertion. ${e instanceof Error ? e.message : String(e)}`); });
    checkClaims(payload);
    const systemUser = systemUserOf(payload.authorization_details, knownOrgs);
    const result: MaskinportenGrant = {
      token: `sandbox-maskinporten-${randomUUID()}`,
      orgnr,
      clientId: String(payload.iss),
      scopes: String(payload.scope).split(' ').filter((s) => s !== ''),
      ...systemUser,
      expiresAt: new Date(clock.now().getTime() + lifetimeS * 1000),
    };
    issued.push(result);
    byToken.set(result.token, result);
    return result;
  }

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/token') {
      reply(404, { error: 'not_found', error_description: 'only POST /token is served' });
      return;
    }
    const form = new URLSearchParams(await readText(req));
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') || form.get('grant_type') !== GRANT_TYPE) {
      reply(400, { error: 'unsupported_grant_type', error_description: `grant_type must be ${GRANT_TYPE}` });
      return;
    }
    try {
      const result = await grant(form.get('assertion') ?? '');
      reply(200, { access_token: result.token, token_type: 'Bearer', expires_in: lifetimeS, scope: result.scopes.join(' ') });
    } catch (error) {
      if (error instanceof GrantError) reply(400, { error: error.error, error_description: error.description });
      else reply(400, { error: 'invalid_request', error_description: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    respond(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const base = `http://${address.address}:${address.port}`;
  audience = `${base}/`;

  return {
    tokenUrl: `${base}/token`,
    audience,
    failures,
    issued,
    lookup(token) {
      const found = byToken.get(token);
      return found && found.expiresAt.getTime() > clock.now().getTime() ? found : undefined;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function checkClaims(payload: JWTPayload): void {
  if (typeof payload.iss !== 'string' || payload.iss === '') throw new GrantError('invalid_client', 'Invalid assertion. iss is missing');
  if (typeof payload.scope !== 'string' || payload.scope.trim() === '') throw new GrantError('invalid_scope', 'Invalid assertion. scope is missing');
  if (typeof payload.jti !== 'string') throw new GrantError('invalid_grant', 'Invalid assertion. jti is missing');
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') throw new GrantError('invalid_grant', 'Invalid assertion. iat and exp are required');
  if (payload.exp - payload.iat > DEFAULTS.maxGrantLifetimeSeconds) throw new GrantError('invalid_grant', 'Invalid assertion. The JWT lives longer than 120 seconds');
}

function systemUserOf(details: unknown, knownOrgs: ReadonlySet<string>): { systemUserOrg?: string; systemUserName?: string } {
  if (details === undefined) return {};
  const first: unknown = Array.isArray(details) ? details[0] : undefined;
  const record = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
  const org = record.systemuser_org;
  const id = typeof org === 'object' && org !== null ? (org as Record<string, unknown>).ID : undefined;
  if (record.type !== 'urn:altinn:systemuser' || typeof id !== 'string') {
    throw new GrantError('invalid_authorization_details', 'authorization_details must name an urn:altinn:systemuser with systemuser_org');
  }
  const orgnr = /^\d{4}:(\d{9})$/.exec(id)?.[1];
  if (orgnr === undefined || !knownOrgs.has(orgnr)) throw new GrantError('invalid_altinn_customer_configuration', `No system user found for organisation ${id}`);
  return { systemUserOrg: id, systemUserName: typeof record.externalRef === 'string' ? record.externalRef : undefined };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

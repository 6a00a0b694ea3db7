import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { systemClock, type Clock } from '../../clock/index.js';
import { createRegistrySigner, createSigningIdentity, type RegistrySigner, type SigningIdentity } from './signing-identity.js';
import type { FakeOrganisation, SrServiceRecord } from './wire.js';

// A local Service Registry speaking the real one's wire format (addressing notes §2.3–§2.9): answers
// signed as a compact JWS when the client accepts application/jose, plain JSON otherwise, errors always
// plain JSON in the registry's `{error_code, error_description}` shape.

export type FakeServiceRegistryFailure = 'unavailable' | 'bad-signature';

export interface FakeServiceRegistryOptions {
  port?: number;
  host?: string;
  /** The registry's key and certificate; a self-signed one is made when not given. */
  signing?: SigningIdentity;
  organisations: FakeOrganisation[];
  clock?: Clock;
}

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as the client sent them. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeServiceRegistry {
  /** Base URL, e.g. `http://127.0.0.1:40123`, to use as `difi.move.serviceregistryEndpoint`. */
  url: string;
  jwks: JSONWebKeySet;
  certificatePem: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Adds the organisation, or replaces the one with its identifier. */
  setOrganisation(organisation: FakeOrganisation): void;
  /** Makes every answer fail as asked until called with undefined. */
  setFailure(failure: FakeServiceRegistryFailure | undefined): void;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 0, retryAfterSeconds: 5 };

interface Answer {
  status: number;
  /** A JSON value, or text for /virksert. */
  body: unknown;
  /** Only 200 answers are signed (addressing notes §2.7). */
  signable?: boolean;
  headers?: Record<string, string>;
}

type Identifier = { kind: 'organisation' | 'citizen' | 'health'; id: string };

// The registry's identifier parse order (addressing notes §2.4); the ISO 6523 form is reduced to its orgnr.
function parseIdentifier(raw: string): Identifier | undefined {
  if (/^\d{9}$/.test(raw)) return { kind: 'organisation', id: raw };
  const iso = /^\d{4}:(\d{9})(?::[^:\s]+)?(?::\d)?$/.exec(raw);
  if (iso?.[1]) return { kind: 'organisation', id: iso[1] };
  if (/^\d{11}$/.test(raw)) return { kind: 'citizen', id: raw };
  if (/^(her-id:[1-9]\d*|fastlege-for:\d{11})$/.test(raw)) return { kind: 'health', id: raw };
  return undefined;
}

export async function startFakeServiceRegistry(options: FakeServiceRegistryOptions): Promise<FakeServiceRegistry> {
  const clock = options.clock ?? systemClock;
  const identity = options.signing ?? createSigningIdentity(clock);
  const signer = await createRegistrySigner(identity);
  let impostor: RegistrySigner | undefined;
  const organisations = new Map(options.organisations.map((o) => [o.identifier, o]));
  const requests: RecordedRequest[] = [];
  let failure: FakeServiceRegistryFailure | undefined;

  const springError = (status: number, error: string, path: string): Answer => ({
    status, body: { timestamp: clock.now().toISOString(), status, error, path },
  });
  const srError = (status: number, description: string): Answer => ({
    status, body: { error_code: '', error_description: description },
  });

  function lookup(raw: string, process: string | undefined, query: URLSearchParams, path: string): Answer {
    const identifier = parseIdentifier(raw);
    if (!identifier) return springError(400, 'Bad Request', path);
    const entity = organisations.get(identifier.id);
    if (!entity) {
      if (identifier.kind !== 'citizen') return srError(404, `Entity with identifier '${identifier.id}' not found.`);
      // The citizen branch answers in its own shape, and a process lookup is not mapped at all (§2.9).
      if (process !== undefined) return springError(500, 'Internal Server Error', path);
      return { status: 404, body: { message: `No service record found for citizen: ${identifier.id}` } };
    }
    let records = entity.serviceRecords;
    if (query.get('print') === 'false') records = records.filter((r) => r.fysiskPost !== true);
    if (process !== undefined) {
      records = records.filter((r) => r.process === process);
      if (records.length === 0) return srError(404, `Process ${process} not found for receiver ${identifier.id}`);
    }
    if (query.get('securityLevel') === '4' && records.some(isArkivmeldingDpv)) {
      return srError(400, `Organization '${identifier.id}' can not receive messages with security level '4'`);
    }
    return { status: 200, body: { infoRecord: entity.infoRecord, serviceRecords: records }, signable: true };
  }

  function info(raw: string, path: string): Answer {
    const identifier = parseIdentifier(raw);
    if (!identifier) return springError(400, 'Bad Request', path);
    const entity = organisations.get(identifier.id);
    if (entity) return { status: 200, body: { infoRecord: entity.infoRecord, serviceRecords: [] }, signable: true };
    // Any valid fødselsnummer has an info record; no register is asked (§2.6).
    if (identifier.kind === 'citizen') {
      return { status: 200, body: { infoRecord: { identifier: identifier.id, entityType: { name: 'citizen' } }, serviceRecords: [] }, signable: true };
    }
    return srError(404, `Entity with identifier '${identifier.id}' not found.`);
  }

  function virksert(raw: string): Answer {
    const orgnr = parseIdentifier(raw)?.id ?? raw;
    const pem = organisations.get(orgnr)?.certificatePem;
    if (pem === undefined) return srError(404, `Unable to find DPO certificate for: ${orgnr}`);
    return { status: 200, body: pem, signable: true };
  }

  function route(req: IncomingMessage): Answer {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q >= 0 ? raw.slice(0, q) : raw;
    const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
    if (req.method !== 'GET') return springError(405, 'Method Not Allowed', path);
    if (failure === 'unavailable') {
      return { ...springError(503, 'Service Unavailable', path), headers: { 'retry-after': String(DEFAULTS.retryAfterSeconds) } };
    }
    const segments = path.split('/').slice(1).map((s) => safeDecode(s));
    const [head, id, keyword, process] = segments;
    if (head === 'jwk' && segments.length === 1) return { status: 200, body: signer.jwks };
    if (head === 'identifier' && id && segments.length === 2) return lookup(id, undefined, query, path);
    if (head === 'identifier' && id && keyword === 'process' && process && segments.length === 4) return lookup(id, process, query, path);
    if (head === 'info' && id && segments.length === 2) return info(id, path);
    if (head === 'virksert' && id && segments.length === 2) return virksert(id);
    return springError(404, 'Not Found', path);
  }

  // 'bad-signature' signs with a key the JWK set does not hold, as a forged or rotated-away key would.
  async function signerFor(): Promise<RegistrySigner> {
    if (failure !== 'bad-signature') return signer;
    impostor ??= await createRegistrySigner(createSigningIdentity(clock));
    return impostor;
  }

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    const answer = route(req);
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const headers = { ...answer.headers };
    if (answer.signable && String(req.headers.accept ?? '').includes('application/jose')) {
      const jws = await (await signerFor()).sign(text);
      res.writeHead(answer.status, { ...headers, 'content-type': 'application/jose' }).end(jws);
      return;
    }
    const type = typeof answer.body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json';
    res.writeHead(answer.status, { ...headers, 'content-type': type }).end(text);
  }

  const server = createServer((req, res) => {
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

  return {
    url: `http://${address.address}:${address.port}`,
    jwks: signer.jwks,
    certificatePem: identity.certificatePem,
    requests,
    setOrganisation: (organisation) => { organisations.set(organisation.identifier, organisation); },
    setFailure: (next) => { failure = next; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function isArkivmeldingDpv(record: SrServiceRecord): boolean {
  return record.service.identifier === 'DPV' && record.process.startsWith('urn:no:difi:profile:arkivmelding:');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

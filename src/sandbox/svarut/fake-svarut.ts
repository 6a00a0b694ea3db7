import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../clock/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { randomId } from '../../ids/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { ForsendelseStore, type PostAddress, type StoredForsendelse } from './forsendelse-store.js';
import { escapeXml, handleOperation } from './soap-operations.js';
import { readSoapRequest, SOAP11, SOAP12 } from './soap-request.js';
import { acknowledge, download, listNew, SVARINN_PATH, type SvarInnContext } from './svarinn-routes.js';

// The sandbox's KS FIKS (transports notes §5.4, §8.2): SvarUt's ForsendelsesServiceV9 over SOAP 1.1 or
// 1.2, plain or MTOM, and SvarInn's REST API, on one port as at svarut.ks.no. A forsendelse sent to
// SvarUt is decrypted with SvarUt's key, kept, and listed by SvarInn for its receiver, encrypted to the
// receiver's certificate; the receiver's acknowledgement makes it LEST. Users are HTTP basic accounts,
// one per organisation. It fails on demand: HTTP errors, dropped connections, or given SOAP faults.

export interface FiksAccount {
  orgnr: string;
  username: string;
  password: string;
}

export interface FakeSvarUtOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  /** SvarUt's key: the integration point encrypts documents to its certificate. */
  svarUtKey: KeystoreEntry;
  accounts: readonly FiksAccount[];
  /** Receivers' certificates (PEM) by orgnr, for SvarInn downloads. */
  certificates?: Readonly<Record<string, string>>;
  forsendelseTyper?: readonly string[];
  /** Where documents are kept; a temporary folder (removed on close) when unset. */
  storageDir?: string;
}

export interface IncomingForsendelseSpec {
  mottakerOrgnr: string;
  id?: string;
  tittel?: string;
  svarSendesTilOrgnr?: string;
  svarSendesTil?: PostAddress;
  svarPaForsendelse?: string;
  metadata?: Record<string, string>;
  files: readonly { filnavn: string; mimetype: string; content: Buffer }[];
}

export interface FakeSvarUt {
  /** Base URL: `efm.fiks.ut.endpoint-url`; SvarInn's is `<url>/tjenester/svarinn`. */
  url: string;
  svarInnUrl: string;
  failures: FailureControl;
  /** Every forsendelse SvarUt has, sent or put in SvarInn's list. */
  forsendelser(): readonly StoredForsendelse[];
  /** Bytes of documents decrypted so far, counted as they stream in. */
  receivedDocumentBytes(): number;
  /** The SOAP operations called so far, in order. */
  readonly operations: readonly string[];
  /** The last envelope of each operation, as it came. */
  lastEnvelope(operation: string): string | undefined;
  /** The next `count` SOAP calls are answered with this fault text instead. */
  faultNext(count: number, text: string): void;
  setStatus(forsendelsesid: string, status: string): void;
  /** Puts a forsendelse into SvarInn's list for its receiver, as if another sender had sent it. */
  deliver(spec: IncomingForsendelseSpec): Promise<string>;
  close(): Promise<void>;
}

const SERVICE_PATH = '/tjenester/forsendelseservice/ForsendelsesServiceV9';
const SVARINN_ROUTE = new RegExp(`^${SVARINN_PATH}/(?:(mottaker/hentNyeForsendelser)|mottaker/forsendelse/([^/]+)|kvitterMottak/forsendelse/([^/]+))$`);

export async function startFakeSvarUt(options: FakeSvarUtOptions): Promise<FakeSvarUt> {
  const clock = options.clock ?? systemClock;
  const ownsStorage = options.storageDir === undefined;
  const storageDir = options.storageDir ?? await mkdtemp(join(tmpdir(), 'efm-svarut-'));
  const documentsDir = join(storageDir, 'documents');
  await mkdir(documentsDir, { recursive: true });
  const store = new ForsendelseStore();
  const failures = createFailureInjector();
  const operations: string[] = [];
  const envelopes = new Map<string, string>();
  const faults: string[] = [];
  const received = { bytes: 0 };
  const documents = { key: options.svarUtKey, dir: documentsDir, onBytes: (count: number) => { received.bytes += count; } };
  const certificates = new Map(Object.entries(options.certificates ?? {}).map(([orgnr, pem]) => [orgnr, new X509Certificate(pem)]));
  // The absolute downloadUrl needs the port, known once the server listens.
  const listening = { url: '' };
  const svarInn: SvarInnContext = { store, clock, certificates, baseUrl: () => listening.url };

  const accountOf = (req: IncomingMessage): FiksAccount | undefined => {
    const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (match === null) return undefined;
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return options.accounts.find((a) => a.username === decoded.slice(0, colon) && a.password === decoded.slice(colon + 1));
  };

  async function soap(req: IncomingMessage, res: ServerResponse, account: FiksAccount): Promise<void> {
    const request = await readSoapRequest(req, req.headers['content-type'] ?? '', documents);
    operations.push(request.operation);
    envelopes.set(request.operation, request.envelopeXml);
    const injected = faults.shift();
    const result = injected !== undefined ? { fault: injected } : await handleOperation({
      store, orgnr: account.orgnr, request, clock, forsendelseTyper: options.forsendelseTyper ?? [], documents,
    });
    const envelopeNs = request.version === '1.2' ? SOAP12 : SOAP11;
    const contentType = request.version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
    const body = 'payload' in result ? result.payload : faultXml(request.version, result.fault);
    res.writeHead('payload' in result ? 200 : 500, { 'content-type': contentType })
      .end(`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${envelopeNs}"><soap:Body>${body}</soap:Body></soap:Envelope>`);
  }

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const account = accountOf(req);
    if (account === undefined) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="svarut"', 'content-type': 'text/plain' }).end('unknown user or wrong password');
      return;
    }
    if (req.method === 'POST' && path === SERVICE_PATH) return soap(req, res, account);
    const match = SVARINN_ROUTE.exec(path);
    req.resume();
    if (match === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${req.method ?? ''} ${path}`);
      return;
    }
    if (req.method === 'GET' && match[1] !== undefined) return listNew(svarInn, account.orgnr, res);
    if (req.method === 'GET' && match[2] !== undefined) return download(svarInn, account.orgnr, decodeURIComponent(match[2]), res);
    if (req.method === 'POST' && match[3] !== undefined) return acknowledge(svarInn, account.orgnr, decodeURIComponent(match[3]), res);
    res.writeHead(405, { 'content-type': 'text/plain' }).end(`${req.method ?? ''} is not allowed here`);
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    respond(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  listening.url = url;

  return {
    url,
    svarInnUrl: `${url}${SVARINN_PATH}`,
    failures,
    forsendelser: () => store.all(),
    receivedDocumentBytes: () => received.bytes,
    operations,
    lastEnvelope: (operation) => envelopes.get(operation),
    faultNext(count, text) {
      for (let i = 0; i < count; i++) faults.push(text);
    },
    setStatus(forsendelsesid, status) {
      if (!store.setStatus(forsendelsesid, status, clock.now())) throw new Error(`no forsendelse ${forsendelsesid}`);
    },
    async deliver(spec) {
      const id = spec.id ?? randomId();
      const documents = [];
      for (const file of spec.files) {
        const path = join(documentsDir, `document-${randomId()}`);
        await writeFile(path, file.content);
        documents.push({ filnavn: file.filnavn, mimetype: file.mimetype, path, size: file.content.length, sha256: createHash('sha256').update(file.content).digest('hex') });
      }
      const now = clock.now();
      store.add({
        id, senderOrgnr: spec.svarSendesTilOrgnr ?? '', mottakerOrgnr: spec.mottakerOrgnr, mottaker: {}, svarSendesTilOrgnr: spec.svarSendesTilOrgnr,
        svarSendesTil: spec.svarSendesTil ?? {}, svarPaForsendelse: spec.svarPaForsendelse, tittel: spec.tittel, krevNiva4Innlogging: false,
        metadata: spec.metadata ?? {}, ekstraMetadata: [], documents, status: 'MOTTATT', statusChangedAt: now, isAcknowledged: false, receivedAt: now,
      });
      return id;
    },
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
    },
  };
}

function faultXml(version: '1.1' | '1.2', text: string): string {
  if (version === '1.2') {
    return `<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="no">${escapeXml(text)}</soap:Text></soap:Reason></soap:Fault>`;
  }
  return `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${escapeXml(text)}</faultstring></soap:Fault>`;
}

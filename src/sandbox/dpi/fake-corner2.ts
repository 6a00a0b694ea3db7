import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../clock/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { randomId } from '../../ids/index.js';
import { formatUtc, loadDpiSchemas } from '../../transports/dpi/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { readDpiUpload, UploadReadError } from './multipart-upload.js';
import { signedReceipt, type ReceiptType } from './receipt-factory.js';
import { Rejection, verifyUpload, type VerifiedLetter } from './verify-upload.js';

// A local DPI corner 2 (transports notes §5.3, §8.2) with the KRR print lookup beside it:
// `POST /dpi/messages/out` checks and keeps letters (see verify-upload), `GET …/statuses` moves each one
// along OPPRETTET → SENDT, at which point corner 3's delivery receipt (leveringskvittering, or
// mottakskvittering for print) waits at `GET /dpi/messages/in` until `POST …/read` confirms it.
// `GET /rest/v2/printSertifikat` names the print provider. Any request can be made to fail on demand.

export interface FakeDpiProvider {
  orgnr: string;
  /** Decrypts the provider's dokumentpakker and signs its receipts. */
  key: KeystoreEntry;
}

export interface FakeCorner2Options {
  /** Mailbox and print providers. */
  providers: readonly FakeDpiProvider[];
  /** The provider the print lookup names. */
  printProvider: string;
  /** The folder of the DPI JSON Schemas (schemas/dpi-json). */
  schemaDir: string;
  /** Letters are kept here. */
  workDir: string;
  /** Checks bearer tokens (e.g. the fake Maskinporten's `lookup`); without it any bearer is taken. */
  tokens?: { lookup(token: string): unknown };
  clock?: Clock;
  port?: number;
  host?: string;
}

export interface FakeDpiLetter extends VerifiedLetter {
  kanal: string;
  avsenderidentifikator?: string;
  /** The decrypted ASiC-E. */
  asicPath: string;
  statuses: { status: 'OPPRETTET' | 'SENDT' | 'FEILET'; timestamp: string }[];
}

interface QueuedReceipt {
  messageId: string;
  kanal: string;
  avsenderidentifikator?: string;
  jws: string;
  read: boolean;
}

export interface FakeCorner2 {
  /** For `efm.dpi.uri`. */
  url: string;
  /** For `efm.dpi.krr-print-url`. */
  printLookupUrl: string;
  failures: FailureControl;
  readonly letters: readonly FakeDpiLetter[];
  /** How many times the print lookup was asked. */
  readonly printLookups: number;
  /** Receipts not yet confirmed, as `GET /messages/in` would list them. */
  unreadReceipts(): number;
  /** Queues a receipt from the letter's provider about the letter. */
  addReceipt(letterMessageId: string, type: ReceiptType): Promise<void>;
  /** Queues any receipt JWS, e.g. a forged one, on a channel. */
  injectReceipt(receipt: { kanal: string; jws: string; avsenderidentifikator?: string }): void;
  /** The JWSs of the queued receipts, oldest first. */
  receiptJws(): string[];
  /** Drops every queued receipt. */
  clearReceipts(): void;
  /** Marks a letter FEILET at corner 2. */
  failLetter(letterMessageId: string): void;
  close(): Promise<void>;
}

const BASE = '/dpi';

export async function startFakeCorner2(options: FakeCorner2Options): Promise<FakeCorner2> {
  const clock = options.clock ?? systemClock;
  const failures = createFailureInjector();
  const schemas = await loadDpiSchemas(options.schemaDir);
  const providers = new Map(options.providers.map((p) => [p.orgnr, p.key]));
  const printProvider = providers.get(options.printProvider);
  if (printProvider === undefined) throw new TypeError(`the print provider ${options.printProvider} is not among the providers`);
  await mkdir(options.workDir, { recursive: true });
  const letters: FakeDpiLetter[] = [];
  const receipts: QueuedReceipt[] = [];
  let printLookups = 0;
  const stamp = (): string => formatUtc(clock.now());

  const letterOf = (messageId: string): FakeDpiLetter => {
    const letter = letters.find((l) => l.messageId === messageId);
    if (letter === undefined) throw new Rejection(404, `no letter ${messageId}`);
    return letter;
  };

  async function addReceipt(messageId: string, type: ReceiptType): Promise<void> {
    const letter = letterOf(messageId);
    const key = providers.get(letter.providerOrgnr);
    if (key === undefined) throw new TypeError(`no key for provider ${letter.providerOrgnr}`);
    const avsender = (letter.body.avsender ?? {}) as Record<string, unknown>;
    const receipt = await signedReceipt({ type, conversationId: letter.conversationId, avsender, providerOrgnr: letter.providerOrgnr, tidspunkt: clock.now(), signer: key });
    receipts.push({ messageId: receipt.messageId, kanal: letter.kanal, jws: receipt.jws, read: false, ...(letter.avsenderidentifikator ? { avsenderidentifikator: letter.avsenderidentifikator } : {}) });
  }

  async function receive(req: IncomingMessage, url: URL): Promise<unknown> {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || (options.tokens !== undefined && options.tokens.lookup(bearer) === undefined)) throw new Rejection(401, 'a valid Maskinporten bearer token is required');
    const kanal = url.searchParams.get('kanal');
    if (kanal === null || kanal === '') throw new Rejection(400, 'kanal is required');
    const id = randomId();
    const cmsPath = join(options.workDir, `${id}.cms`);
    try {
      const upload = await readDpiUpload(req, cmsPath).catch((error: unknown) => {
        throw error instanceof UploadReadError ? new Rejection(400, error.message) : error;
      });
      const asicPath = join(options.workDir, `${id}.asice`);
      const verified = await verifyUpload({ upload, bearer, providers, schemas, asicPath });
      if (letters.some((l) => l.messageId === verified.messageId)) throw new Rejection(409, `letter ${verified.messageId} was already received`);
      const avsenderidentifikator = (verified.body.avsender as Record<string, unknown> | undefined)?.avsenderidentifikator;
      letters.push({
        ...verified, kanal, asicPath, statuses: [{ status: 'OPPRETTET', timestamp: stamp() }],
        ...(typeof avsenderidentifikator === 'string' ? { avsenderidentifikator } : {}),
      });
      return {};
    } finally {
      await rm(cmsPath, { force: true });
    }
  }

  async function statuses(messageId: string): Promise<unknown> {
    const letter = letterOf(messageId);
    const last = letter.statuses.at(-1)?.status;
    if (last === 'OPPRETTET') {
      letter.statuses.push({ status: 'SENDT', timestamp: stamp() });
      await addReceipt(messageId, letter.type === 'utskrift' ? 'mottakskvittering' : 'leveringskvittering');
    }
    return letter.statuses;
  }

  function waiting(url: URL): unknown {
    const kanal = url.searchParams.get('kanal');
    const avsenderidentifikator = url.searchParams.get('avsenderidentifikator') ?? undefined;
    const pageSize = Number(url.searchParams.get('page_size') ?? '100');
    return receipts
      .filter((r) => !r.read && r.kanal === kanal && r.avsenderidentifikator === avsenderidentifikator)
      .slice(0, pageSize)
      .map((r) => ({ forretningsmelding: r.jws, downloadurl: `${base}${BASE}/messages/in/${r.messageId}/download` }));
  }

  function markRead(messageId: string): unknown {
    const receipt = receipts.find((r) => r.messageId === messageId);
    if (receipt === undefined) throw new Rejection(404, `no receipt ${messageId}`);
    receipt.read = true;
    return {};
  }

  async function route(req: IncomingMessage, url: URL): Promise<unknown> {
    const path = url.pathname;
    if (req.method === 'GET' && path === '/rest/v2/printSertifikat') {
      printLookups++;
      return { postkasseleverandoerAdresse: options.printProvider, x509Sertifikat: printProvider?.certificate.toString() };
    }
    if (req.method === 'POST' && path === `${BASE}/messages/out`) return receive(req, url);
    if (req.method === 'GET' && path === `${BASE}/messages/in`) return waiting(url);
    const statusPath = new RegExp(`^${BASE}/messages/out/([^/]+)/statuses$`).exec(path);
    if (req.method === 'GET' && statusPath?.[1] !== undefined) return statuses(decodeURIComponent(statusPath[1]));
    const readPath = new RegExp(`^${BASE}/messages/in/([^/]+)/read$`).exec(path);
    if (req.method === 'POST' && readPath?.[1] !== undefined) return markRead(decodeURIComponent(readPath[1]));
    throw new Rejection(404, `no route ${req.method ?? ''} ${path}`);
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    const url = new URL(req.url ?? '/', base);
    route(req, url).then((body) => reply(res, 200, body), (error: unknown) => {
      req.resume();
      if (error instanceof Rejection) reply(res, error.status, { status: error.status, error: error.message });
      else reply(res, 500, { status: 500, error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const base = `http://${address.address}:${address.port}`;

  return {
    url: `${base}${BASE}`,
    printLookupUrl: `${base}/rest/v2/printSertifikat`,
    failures,
    letters,
    get printLookups() { return printLookups; },
    unreadReceipts: () => receipts.filter((r) => !r.read).length,
    addReceipt,
    injectReceipt(receipt) {
      receipts.push({ messageId: randomId(), read: false, ...receipt });
    },
    receiptJws: () => receipts.map((r) => r.jws),
    clearReceipts() {
      receipts.length = 0;
    },
    failLetter(messageId) {
      letterOf(messageId).statuses.push({ status: 'FEILET', timestamp: stamp() });
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../clock/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { CorrespondenceState, type CorrespondenceStatus, type StoredCorrespondence } from './correspondence-state.js';
import { FormReadError, readMultipartForm } from './multipart-form.js';
import { uploadRequest, UploadRefusal } from './upload-request.js';

// A local Altinn 3 correspondence API (transports notes §5.2, §8.2; openapi/altinn-correspondence-v1.json):
// the multipart upload that makes a correspondence per recipient (409 when its idempotentKey was used
// before), the search by sendersReference and the overview that status polling reads. Correspondences
// move on when told to, or by themselves at each overview request (Initialized → Published → Read).

export interface FakeCorrespondenceOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  /** Whether a bearer token may call; by default any non-empty token may. */
  authorize?: (token: string) => Promise<boolean>;
  /** Move each correspondence one step on at every overview request. */
  advanceOnOverview?: boolean;
  maxFileBytes?: number;
}

export interface FakeCorrespondence {
  /** The API base, for `efm.dpv.correspondence-service-url`. */
  url: string;
  /** Requests that fail before the fake looks at them. */
  failures: FailureControl;
  /** Every correspondence made, oldest first. */
  readonly correspondences: readonly StoredCorrespondence[];
  /** The next `count` uploads are carried out, then their connection is cut before the answer. */
  dropNextAnswers(count: number): void;
  setStatus(correspondenceId: string, status: CorrespondenceStatus): void;
  close(): Promise<void>;
}

const BASE_PATH = '/correspondence/api/v1';
const DEFAULTS = { host: '127.0.0.1', port: 0, maxFileBytes: 300 * 1024 * 1024 };

export async function startFakeCorrespondence(options: FakeCorrespondenceOptions = {}): Promise<FakeCorrespondence> {
  const clock = options.clock ?? systemClock;
  const state = new CorrespondenceState(clock);
  const failures = createFailureInjector();
  const authorize = options.authorize ?? (async (token: string) => token !== '');
  let answersToDrop = 0;

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : undefined;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (path === undefined) return problem(res, 404, 'Not Found', `no route for ${url.pathname}`);
    if (!(await authorize(token))) return problem(res, 401, 'Unauthorized', '4001: You must use an Altinn token');
    if (req.method === 'POST' && path === '/correspondence/upload') return upload(req, res);
    if (req.method === 'GET' && path === '/correspondence') return search(res, url.searchParams.get('sendersReference'));
    const id = /^\/correspondence\/([0-9a-fA-F-]{36})$/.exec(path)?.[1];
    if (req.method === 'GET' && id !== undefined) return overview(res, id);
    return problem(res, 404, 'Not Found', `no route for ${req.method ?? ''} ${url.pathname}`);
  }

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readMultipartForm(req, options.maxFileBytes ?? DEFAULTS.maxFileBytes);
    const input = uploadRequest(form);
    if (input.idempotentKey !== '' && state.hasKey(input.idempotentKey)) {
      return problem(res, 409, 'Conflict', '1034: A correspondence with the same idempotent key already exists');
    }
    const made = state.create(input);
    if (answersToDrop > 0) {
      answersToDrop--;
      req.socket.destroy();
      return;
    }
    json(res, 200, {
      correspondences: made.map((c) => ({ correspondenceId: c.correspondenceId, status: c.status, recipient: c.recipient, notifications: null })),
      attachmentIds: made[0]?.attachments.map((a) => a.attachmentId) ?? [],
    });
  }

  function search(res: ServerResponse, reference: string | null): void {
    const found = reference === null ? state.all : state.bySendersReference(reference);
    json(res, 200, { ids: found.map((c) => c.correspondenceId) });
  }

  function overview(res: ServerResponse, id: string): void {
    const found = state.get(id);
    if (found === undefined) return problem(res, 404, 'Not Found', '1001: The requested correspondence was not found');
    if (options.advanceOnOverview) state.advance(found);
    json(res, 200, overviewOf(found));
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    respond(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof UploadRefusal || error instanceof FormReadError) return problem(res, error.status, 'Bad Request', error.message);
      problem(res, 500, 'Internal Server Error', error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}${BASE_PATH}`,
    failures,
    correspondences: state.all,
    dropNextAnswers(count) { answersToDrop += count; },
    setStatus(correspondenceId, status) {
      const found = state.get(correspondenceId);
      if (found === undefined) throw new RangeError(`no correspondence ${correspondenceId}`);
      state.setStatus(found, status);
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function overviewOf(c: StoredCorrespondence): Record<string, unknown> {
  const field = (name: string) => Object.entries(c.fields).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? null;
  return {
    correspondenceId: c.correspondenceId,
    resourceId: c.resourceId,
    sender: field('correspondence.sender'),
    sendersReference: c.sendersReference,
    messageSender: field('correspondence.messageSender'),
    recipient: c.recipient,
    created: c.created.toISOString(),
    status: c.status,
    statusText: c.statusText,
    statusChanged: c.statusChanged.toISOString(),
    published: c.published?.toISOString() ?? null,
    read: c.read?.toISOString() ?? null,
    isConfirmationNeeded: field('correspondence.isConfirmationNeeded') === 'true',
    isConfidential: field('correspondence.isConfidential') === 'true',
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

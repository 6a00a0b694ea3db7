import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BrokerState, FileTransfer, FileTransferStatus, ListQuery, RecipientStatus } from './broker-state.js';
import type { AltinnCaller } from './token-issuer.js';

// The broker API of the fake Altinn (openapi/altinn-broker-v1.json) over BrokerState: request checks and
// answers as the real broker gives them, RFC 7807 problems for refusals, uploads streamed to disk.

const WRITE = 'altinn:broker.write';
const READ = 'altinn:broker.read';
const STATUSES: readonly FileTransferStatus[] = ['Initialized', 'UploadStarted', 'UploadProcessing', 'Published', 'Cancelled', 'AllConfirmedDownloaded', 'Purged', 'Failed'];
const RECIPIENT_STATUSES: readonly RecipientStatus[] = ['Initialized', 'DownloadStarted', 'DownloadConfirmed'];

export interface BrokerContext {
  state: BrokerState;
  storageDir: string;
  resources: readonly string[];
  maxFileTransferBytes: number;
}

interface Request {
  caller: AltinnCaller;
  req: IncomingMessage;
  res: ServerResponse;
  /** Path segments after `/broker/api/v1/filetransfer`. */
  segments: string[];
  query: URLSearchParams;
}

class Problem extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(detail);
  }
}

export async function handleBroker(context: BrokerContext, request: Request): Promise<void> {
  try {
    await route(context, request);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    request.req.resume();
    sendJson(request.res, error.status, { type: 'about:blank', title: titleOf(error.status), status: error.status, detail: error.detail }, 'application/problem+json');
  }
}

async function route(context: BrokerContext, r: Request): Promise<void> {
  const [id, action, ...rest] = r.segments;
  const method = r.req.method;
  if (rest.length > 0) throw new Problem(404, 'no such resource');
  if (id === undefined && method === 'POST') return initialize(context, r);
  if (id === undefined && method === 'GET') return list(context, r);
  if (id === undefined) throw new Problem(405, 'method not allowed');
  const transfer = context.state.get(id);
  if (transfer === undefined || !isParty(transfer, r.caller.org)) throw new Problem(404, 'The requested file transfer was not found');
  if (action === undefined && method === 'GET') return overview(context, r, transfer, false);
  if (action === 'details' && method === 'GET') return overview(context, r, transfer, true);
  if (action === 'upload' && method === 'POST') return upload(context, r, transfer);
  if (action === 'download' && method === 'GET') return download(context, r, transfer);
  if (action === 'confirmdownload' && method === 'POST') return confirm(context, r, transfer);
  throw new Problem(404, 'no such resource');
}

function requireScope(caller: AltinnCaller, ...allowed: string[]): void {
  if (!caller.scopes.some((s) => allowed.includes(s))) throw new Problem(403, `the token needs one of the scopes ${allowed.join(', ')}`);
}

async function initialize(context: BrokerContext, r: Request): Promise<void> {
  requireScope(r.caller, WRITE);
  if (!String(r.req.headers['content-type']).startsWith('application/json')) throw new Problem(415, 'Content-Type must be application/json');
  const body = parseObject(await readText(r.req));
  const text = (name: string): string | undefined => {
    const value = body[name];
    return typeof value === 'string' ? value : undefined;
  };
  const [fileName, resourceId, sender] = [text('fileName'), text('resourceId'), text('sender')];
  const recipients = Array.isArray(body.recipients) ? body.recipients.filter((x): x is string => typeof x === 'string') : [];
  if (!fileName || !resourceId || !sender || recipients.length === 0) throw new Problem(400, 'fileName, resourceId, sender and recipients are required');
  if (!/^\d{4}:\d{9}$/.test(sender)) throw new Problem(400, 'sender must be <icd>:<orgnr>');
  if (!context.resources.includes(resourceId)) throw new Problem(403, `The resource ${resourceId} is not registered for the broker`);
  if (sender !== r.caller.org) throw new Problem(403, `the caller ${r.caller.org} cannot send as ${sender}`);
  const transfer = context.state.create({
    fileName,
    resourceId,
    sender,
    recipients,
    sendersFileTransferReference: text('sendersFileTransferReference') ?? null,
    propertyList: stringRecord(body.propertyList),
    checksum: text('checksum') ?? null,
  });
  sendJson(r.res, 200, { fileTransferId: transfer.fileTransferId });
}

async function upload(context: BrokerContext, r: Request, transfer: FileTransfer): Promise<void> {
  requireScope(r.caller, WRITE);
  if (transfer.sender !== r.caller.org) throw new Problem(403, 'only the sender uploads');
  const declared = r.req.headers['content-length'];
  if (declared === undefined) throw new Problem(400, 'Content-length header is required');
  if (transfer.status !== 'Initialized') throw new Problem(409, 'A file transfer has already been, or attempted to be, created. Create a new file transfer resource to try again');
  if (Number(declared) > context.maxFileTransferBytes) throw new Problem(400, 'File size exceeds maximum');
  const { state } = context;
  state.setStatus(transfer, 'UploadStarted');
  const path = join(context.storageDir, transfer.fileTransferId);
  const md5 = createHash('md5');
  let bytes = 0;
  try {
    await pipeline(r.req, new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    }), createWriteStream(path));
  } catch {
    // The sender broke off; if it is still there, it hears so.
    state.setStatus(transfer, 'Failed');
    await rm(path, { force: true });
    if (!r.res.headersSent) sendJson(r.res, 400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the upload broke off' }, 'application/problem+json');
    return;
  }
  const checksum = md5.digest('hex');
  if (bytes !== Number(declared) || (transfer.checksum !== null && transfer.checksum.toLowerCase() !== checksum)) {
    state.setStatus(transfer, 'Failed');
    await rm(path, { force: true });
    throw new Problem(400, 'The checksum of uploaded file did not match the checksum specified in initialize call');
  }
  Object.assign(transfer, { size: bytes, path, checksum });
  state.setStatus(transfer, 'UploadProcessing');
  state.setStatus(transfer, 'Published');
  sendJson(r.res, 200, { fileTransferId: transfer.fileTransferId });
}

function list(context: BrokerContext, r: Request): void {
  requireScope(r.caller, READ, WRITE);
  const resourceId = r.query.get('resourceId');
  if (!resourceId) throw new Problem(400, 'resourceId is required');
  const query: ListQuery = { resourceId };
  const status = r.query.get('status');
  const recipientStatus = r.query.get('recipientStatus');
  if (status !== null) query.status = oneOf(STATUSES, status, 'status');
  if (recipientStatus !== null) query.recipientStatus = oneOf(RECIPIENT_STATUSES, recipientStatus, 'recipientStatus');
  sendJson(r.res, 200, context.state.list(r.caller.org, query));
}

function overview(context: BrokerContext, r: Request, transfer: FileTransfer, withHistory: boolean): void {
  requireScope(r.caller, READ, WRITE);
  const body: Record<string, unknown> = {
    fileTransferId: transfer.fileTransferId,
    resourceId: transfer.resourceId,
    fileName: transfer.fileName,
    sendersFileTransferReference: transfer.sendersFileTransferReference,
    checksum: transfer.checksum,
    useVirusScan: false,
    fileTransferSize: transfer.size,
    fileTransferStatus: transfer.status,
    fileTransferStatusText: transfer.status,
    fileTransferStatusChanged: transfer.statusChanged.toISOString(),
    created: transfer.created.toISOString(),
    expirationTime: context.state.expirationOf(transfer).toISOString(),
    sender: transfer.sender,
    recipients: transfer.recipients.map((s) => ({
      recipient: s.recipient,
      currentRecipientFileTransferStatusCode: s.status,
      currentRecipientFileTransferStatusText: s.status,
      currentRecipientFileTransferStatusChanged: s.changed.toISOString(),
    })),
    propertyList: transfer.propertyList,
  };
  if (withHistory) body.fileTransferStatusHistory = transfer.history.map((h) => ({ fileTransferStatusCode: h.status, fileTransferStatusText: h.status, fileTransferStatusChanged: h.at.toISOString() }));
  sendJson(r.res, 200, body);
}

async function download(context: BrokerContext, r: Request, transfer: FileTransfer): Promise<void> {
  requireScope(r.caller, READ);
  const own = transfer.recipients.find((s) => s.recipient === r.caller.org);
  if (own === undefined) throw new Problem(403, 'only a recipient downloads');
  if (transfer.status !== 'Published' || transfer.path === undefined || own.status === 'DownloadConfirmed') throw new Problem(400, 'The file transfer is not available for download');
  if (own.status === 'Initialized') context.state.setRecipientStatus(transfer, own.recipient, 'DownloadStarted');
  r.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(transfer.size) });
  await pipeline(createReadStream(transfer.path), r.res).catch(() => undefined);
}

async function confirm(context: BrokerContext, r: Request, transfer: FileTransfer): Promise<void> {
  requireScope(r.caller, READ);
  const own = transfer.recipients.find((s) => s.recipient === r.caller.org);
  if (own === undefined) throw new Problem(403, 'only a recipient confirms');
  if (own.status === 'Initialized') throw new Problem(400, 'Cannot confirm before the files have been downloaded');
  context.state.setRecipientStatus(transfer, own.recipient, 'DownloadConfirmed');
  if (transfer.status === 'Published' && transfer.recipients.every((s) => s.status === 'DownloadConfirmed')) {
    context.state.setStatus(transfer, 'AllConfirmedDownloaded');
    if (transfer.path !== undefined) await rm(transfer.path, { force: true });
    transfer.path = undefined;
  }
  r.req.resume();
  r.res.writeHead(200).end();
}

function isParty(transfer: FileTransfer, org: string): boolean {
  return transfer.sender === org || transfer.recipients.some((s) => s.recipient === org);
}

function oneOf<V extends string>(values: readonly V[], value: string, name: string): V {
  const found = values.find((v) => v === value);
  if (found === undefined) throw new Problem(400, `${name} must be one of ${values.join(', ')}`);
  return found;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new Problem(400, 'the body must be a JSON object');
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8` }).end(JSON.stringify(body));
}

function titleOf(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 415: 'Unsupported Media Type' } as Record<number, string>)[status] ?? 'Error';
}

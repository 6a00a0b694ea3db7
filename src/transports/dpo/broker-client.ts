import { createReadStream, createWriteStream } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import type { AltinnTokens, BrokerScope } from './altinn-tokens.js';
import { AltinnBrokerRefusedError, AltinnBrokerUnavailableError, UnreadableTransferError } from './errors.js';
import type { SystemUser } from './system-users.js';

// The calls DPO makes to the Altinn 3 broker (transports notes §5.1; openapi/altinn-broker-v1.json), with
// the paths exactly as the reference calls them (CONTRACT.md §8.2: initialize with a trailing slash).
// Every answer is turned into a value or one of our errors here; a 401 drops the cached token first.

const WRITE: BrokerScope = 'altinn:broker.write';
const READ: BrokerScope = 'altinn:broker.read';
const MAX_ERROR_TEXT = 300;

export interface BrokerClientOptions {
  /** e.g. `https://platform.tt02.altinn.no/broker/api/v1`. */
  baseUrl: string;
  resource: string;
  tokens: AltinnTokens;
  /** Longest wait for an answer, or between two chunks of a body. */
  requestTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

export interface FileTransferRequest {
  sendersFileTransferReference: string;
  /** `0192:<orgnr>`. */
  sender: string;
  recipients: string[];
}

/** The members of FileTransferOverviewExt that DPO reads. */
export interface FileTransferOverview {
  fileTransferId: string;
  sendersFileTransferReference: string | null;
  fileTransferStatus?: string;
  created?: string;
}

export interface BrokerClient {
  initialize(user: SystemUser, transfer: FileTransferRequest, signal: AbortSignal): Promise<string>;
  upload(user: SystemUser, fileTransferId: string, file: { path: string; size: number }, signal: AbortSignal): Promise<void>;
  /** The transfer as the broker sees it; undefined when it does not know it (404). */
  overview(user: SystemUser, fileTransferId: string, signal: AbortSignal, scope?: BrokerScope): Promise<FileTransferOverview | undefined>;
  /** Ids of published transfers this system user has not downloaded yet (at most the latest 100). */
  listNew(user: SystemUser, signal: AbortSignal): Promise<string[]>;
  /** Streams the file to `path`; UnreadableTransferError when it passes `maxBytes`. Returns its size. */
  download(user: SystemUser, fileTransferId: string, target: { path: string; maxBytes: number }, signal: AbortSignal): Promise<number>;
  confirmDownload(user: SystemUser, fileTransferId: string, signal: AbortSignal): Promise<void>;
}

interface Call {
  operation: string;
  user: SystemUser;
  scope: BrokerScope;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal: AbortSignal;
}

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const transfer = (id: string, suffix = '') => `/filetransfer/${encodeURIComponent(id)}${suffix}`;

  async function call(c: Call): Promise<Dispatcher.ResponseData> {
    const token = await options.tokens.token(c.user, c.scope);
    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      response = await request(base + c.path, {
        method: c.method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...c.headers },
        body: c.body,
        signal: c.signal,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      if (c.signal.aborted) throw cause;
      throw new AltinnBrokerUnavailableError(`Altinn broker did not answer ${c.operation}: ${describe(cause)}`, cause);
    }
    if (response.statusCode < 400) return response;
    const text = await response.body.text().catch(() => '');
    if (response.statusCode >= 500 || response.statusCode === 408 || response.statusCode === 429) {
      throw new AltinnBrokerUnavailableError(`Altinn broker answered ${c.operation} with ${response.statusCode}`);
    }
    if (response.statusCode === 401) options.tokens.invalidate(c.user, c.scope);
    throw new AltinnBrokerRefusedError(c.operation, response.statusCode, problemDetail(text));
  }

  return {
    async initialize(user, request, signal) {
      // checksum and disableVirusScan are sent as null, as the reference does (nextmove_send_dpo.feature).
      const body = JSON.stringify({
        fileName: 'sbd.zip',
        resourceId: options.resource,
        sendersFileTransferReference: request.sendersFileTransferReference,
        sender: request.sender,
        recipients: request.recipients,
        propertyList: {},
        checksum: null,
        disableVirusScan: null,
      });
      const response = await call({ operation: 'initialize', user, scope: WRITE, method: 'POST', path: '/filetransfer/', headers: { 'content-type': 'application/json' }, body, signal });
      const id = memberOf(await readJson(response, 'initialize'), 'fileTransferId');
      if (typeof id !== 'string' || id === '') throw new AltinnBrokerUnavailableError('Altinn broker answered initialize without a fileTransferId');
      return id;
    },

    async upload(user, fileTransferId, file, signal) {
      // The broker refuses an upload without Content-Length, so the zip is spooled to a file first.
      const response = await call({
        operation: 'upload', user, scope: WRITE, method: 'POST', path: transfer(fileTransferId, '/upload'),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.size) },
        body: createReadStream(file.path), signal,
      });
      await response.body.dump();
    },

    async overview(user, fileTransferId, signal, scope = READ) {
      try {
        const response = await call({ operation: 'get file transfer', user, scope, method: 'GET', path: transfer(fileTransferId), signal });
        return toOverview(await readJson(response, 'get file transfer'), fileTransferId);
      } catch (error) {
        if (error instanceof AltinnBrokerRefusedError && error.status === 404) return undefined;
        throw error;
      }
    },

    async listNew(user, signal) {
      const query = `resourceId=${encodeURIComponent(options.resource)}&status=Published&recipientStatus=Initialized`;
      const response = await call({ operation: 'list file transfers', user, scope: READ, method: 'GET', path: `/filetransfer?${query}`, signal });
      const json = await readJson(response, 'list file transfers');
      if (!Array.isArray(json)) throw new AltinnBrokerUnavailableError('Altinn broker answered the file transfer list with something other than a list');
      return json.filter((id): id is string => typeof id === 'string');
    },

    async download(user, fileTransferId, target, signal) {
      const response = await call({ operation: 'download', user, scope: READ, method: 'GET', path: transfer(fileTransferId, '/download'), signal });
      const counter = byteLimit(target.maxBytes);
      try {
        await pipeline(response.body, counter, createWriteStream(target.path));
      } catch (error) {
        if (error instanceof UnreadableTransferError || signal.aborted) throw error;
        throw new AltinnBrokerUnavailableError(`the download of file transfer ${fileTransferId} broke off: ${describe(error)}`, error);
      }
      return counter.bytes;
    },

    async confirmDownload(user, fileTransferId, signal) {
      const response = await call({ operation: 'confirm download', user, scope: READ, method: 'POST', path: transfer(fileTransferId, '/confirmdownload'), signal });
      await response.body.dump();
    },
  };
}

async function readJson(response: Dispatcher.ResponseData, operation: string): Promise<unknown> {
  const text = await response.body.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AltinnBrokerUnavailableError(`Altinn broker answered ${operation} with a body that is not JSON`, cause);
  }
}

function memberOf(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
}

function toOverview(json: unknown, fileTransferId: string): FileTransferOverview {
  const text = (name: string): string | undefined => {
    const value = memberOf(json, name);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    fileTransferId: text('fileTransferId') ?? fileTransferId,
    sendersFileTransferReference: text('sendersFileTransferReference') ?? null,
    fileTransferStatus: text('fileTransferStatus'),
    created: text('created'),
  };
}

/** The RFC 7807 `detail` or `title`, or the start of a body that is no problem document. */
function problemDetail(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const detail = memberOf(json, 'detail') ?? memberOf(json, 'title');
    if (typeof detail === 'string') return detail.slice(0, MAX_ERROR_TEXT);
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_ERROR_TEXT);
}

function byteLimit(maxBytes: number): Transform & { bytes: number } {
  const limiter = Object.assign(new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      limiter.bytes += chunk.length;
      if (limiter.bytes > maxBytes) callback(new UnreadableTransferError(`the file transfer is larger than ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  }), { bytes: 0 });
  return limiter;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}

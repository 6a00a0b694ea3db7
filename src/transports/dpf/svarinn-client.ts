import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import { basicAuthorization, type BasicCredentials } from './credentials.js';
import { SvarInnRefusedError, SvarInnUnavailableError, UnreadableForsendelseError } from './errors.js';

// The calls DPF makes to SvarInn's REST API (transports notes §5.4), each with the receiving
// organisation's basic auth: list the new forsendelser, download one (a CMS-encrypted zip), and
// acknowledge it once the message is ours. Credentials go only to SvarInn's own origin: a download URL
// elsewhere is refused, not followed.

export interface SvarInnClientOptions {
  /** `efm.fiks.inn.base-url`, e.g. `https://svarut.ks.no/tjenester/svarinn`. */
  baseUrl: string;
  readTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

export interface SvarInnClient {
  /** The new forsendelser, as SvarInn lists them (unparsed entries). */
  newForsendelser(user: BasicCredentials, signal: AbortSignal): Promise<unknown[]>;
  /** The download's body: a CMS EnvelopedData around a zip of the files. */
  download(user: BasicCredentials, downloadUrl: string, signal: AbortSignal): Promise<Readable>;
  kvitterMottak(user: BasicCredentials, forsendelseId: string, signal: AbortSignal): Promise<void>;
}

const MAX_LIST_BYTES = 32 * 1024 * 1024;

export function createSvarInnClient(options: SvarInnClientOptions): SvarInnClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;

  async function call(operation: string, user: BasicCredentials, method: 'GET' | 'POST', url: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      response = await request(url, {
        method,
        headers: { authorization: basicAuthorization(user), accept: 'application/json, application/octet-stream' },
        signal,
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw new SvarInnUnavailableError(`SvarInn did not answer ${operation}: ${describe(cause)}`, cause);
    }
    if (response.statusCode < 300) return response;
    await response.body.dump();
    if (response.statusCode >= 500 || response.statusCode === 408 || response.statusCode === 429) {
      throw new SvarInnUnavailableError(`SvarInn answered ${operation} with ${response.statusCode}`);
    }
    throw new SvarInnRefusedError(operation, response.statusCode);
  }

  return {
    async newForsendelser(user, signal) {
      const response = await call('hentNyeForsendelser', user, 'GET', `${base}/mottaker/hentNyeForsendelser`, signal);
      const text = await readText(response, 'hentNyeForsendelser');
      let json: unknown;
      try {
        json = text.trim() === '' ? [] : JSON.parse(text);
      } catch (cause) {
        throw new SvarInnUnavailableError('SvarInn answered hentNyeForsendelser with a body that is not JSON', cause);
      }
      if (!Array.isArray(json)) throw new SvarInnUnavailableError('SvarInn answered hentNyeForsendelser with something other than a list');
      return json;
    },

    async download(user, downloadUrl, signal) {
      const url = URL.canParse(downloadUrl) ? downloadUrl : `${base}/${downloadUrl.replace(/^\/+/, '')}`;
      if (new URL(url).origin !== origin) {
        throw new UnreadableForsendelseError('the forsendelse\'s downloadUrl is not on SvarInn\'s own host; it is not followed');
      }
      const response = await call('download', user, 'GET', url, signal);
      return response.body;
    },

    async kvitterMottak(user, forsendelseId, signal) {
      const response = await call('kvitterMottak', user, 'POST', `${base}/kvitterMottak/forsendelse/${encodeURIComponent(forsendelseId)}`, signal);
      await response.body.dump();
    },
  };
}

async function readText(response: Dispatcher.ResponseData, operation: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_LIST_BYTES) throw new SvarInnUnavailableError(`SvarInn's answer to ${operation} is larger than ${MAX_LIST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}

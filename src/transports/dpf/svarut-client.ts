import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import { basicAuthorization, type BasicCredentials } from './credentials.js';
import { SvarUtFaultError, SvarUtUnavailableError, XmlReadError } from './errors.js';
import type { Forsendelse } from './forsendelse.js';
import { mtomBody, type MtomAttachment } from './mtom-body.js';
import {
  retreiveForsendelseTyperEnvelope, retrieveForsendelseIdByEksternRefEnvelope, retrieveForsendelseStatuserEnvelope,
  sendForsendelseMedIdEnvelope,
} from './soap-messages.js';
import { readSoapAnswer, returnValues } from './soap-response.js';
import { childText } from './xml-tree.js';

// The calls DPF makes to SvarUt's ForsendelsesServiceV9 (transports notes §5.4): SOAP 1.2, HTTP basic
// auth sent with the first request (the reference's PreauthMessageSender), the documents as MTOM parts.

export const SERVICE_PATH = '/tjenester/forsendelseservice/ForsendelsesServiceV9';
const SOAP12_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';
/** An answer larger than this is no answer SvarUt gives. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/**
 * The fault texts after which the reference stops trying (SvarUtFaultInterceptor): the forsendelse is a
 * duplicate, or its content cannot be read or is empty. Any other fault is tried again.
 */
const FINAL_FAULTS = ['Duplikat', 'Forsendelse med samme mottaker', 'Ugyldig innhold', 'Feil under lesing av', 'Kan ikke lagre tomt dokument'];

export interface SvarUtClientOptions {
  /** `efm.fiks.ut.endpoint-url`; the service path is added unless the URL already ends with it. */
  endpointUrl: string;
  requestTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

export interface SvarUtDocument extends MtomAttachment {
  filnavn: string;
}

export interface ForsendelseStatus {
  forsendelsesid: string;
  status: string;
  sisteStatusEndring?: string;
}

export interface SvarUtClient {
  /** Sends the forsendelse; `documents` are the CMS streams of `forsendelse.dokumenter`, in order. */
  sendForsendelseMedId(user: BasicCredentials, forsendelsesid: string, forsendelse: Forsendelse, documents: readonly MtomAttachment[], signal: AbortSignal): Promise<void>;
  retreiveForsendelseTyper(user: BasicCredentials, signal: AbortSignal): Promise<string[]>;
  retrieveForsendelseStatuser(user: BasicCredentials, forsendelseIds: readonly string[], signal: AbortSignal): Promise<ForsendelseStatus[]>;
  /** The forsendelse ids SvarUt knows for an eksternref (our messageId). */
  retrieveForsendelseIdByEksternRef(user: BasicCredentials, eksternRef: string, signal: AbortSignal): Promise<string[]>;
}

interface Call {
  operation: string;
  user: BasicCredentials;
  contentType: string;
  body: string | AsyncIterable<Buffer>;
  signal: AbortSignal;
}

export function serviceUrl(endpointUrl: string): string {
  const base = endpointUrl.replace(/\/+$/, '');
  return base.endsWith(SERVICE_PATH) ? base : base + SERVICE_PATH;
}

export function createSvarUtClient(options: SvarUtClientOptions): SvarUtClient {
  const url = serviceUrl(options.endpointUrl);

  async function call(c: Call): Promise<ReturnType<typeof readSoapAnswer> & { kind: 'response' }> {
    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      response = await request(url, {
        method: 'POST',
        headers: { authorization: basicAuthorization(c.user), 'content-type': c.contentType, accept: 'application/soap+xml, multipart/related' },
        body: typeof c.body === 'string' ? c.body : Readable.from(c.body, { objectMode: false }),
        signal: c.signal,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      if (c.signal.aborted) throw cause;
      throw new SvarUtUnavailableError(`SvarUt did not answer ${c.operation}: ${describe(cause)}`, cause);
    }
    const body = await readLimited(response, c.operation);
    const contentType = headerOf(response.headers['content-type']);
    let answer: ReturnType<typeof readSoapAnswer>;
    try {
      answer = readSoapAnswer(contentType, body);
    } catch (cause) {
      if (!(cause instanceof XmlReadError)) throw cause;
      throw new SvarUtUnavailableError(`SvarUt answered ${c.operation} with ${response.statusCode} and no SOAP envelope: ${cause.message}`, cause);
    }
    if (answer.kind === 'fault') {
      throw new SvarUtFaultError(c.operation, answer.text, FINAL_FAULTS.some((f) => answer.text.includes(f)));
    }
    if (response.statusCode >= 300) throw new SvarUtUnavailableError(`SvarUt answered ${c.operation} with ${response.statusCode}`);
    return answer;
  }

  return {
    async sendForsendelseMedId(user, forsendelsesid, forsendelse, documents, signal) {
      const envelope = sendForsendelseMedIdEnvelope(forsendelsesid, forsendelse, documents.map((d) => d.contentId));
      const { contentType, body } = mtomBody(envelope, documents);
      // The answer's `return` (SvarUt's own id) is not used: the forsendelse has the id we gave it.
      await call({ operation: 'sendForsendelseMedId', user, contentType, body, signal });
    },

    async retreiveForsendelseTyper(user, signal) {
      const answer = await call({ operation: 'retreiveForsendelseTyper', user, contentType: SOAP12_CONTENT_TYPE, body: retreiveForsendelseTyperEnvelope(), signal });
      return returnValues(answer.payload).filter((t) => t !== '');
    },

    async retrieveForsendelseStatuser(user, forsendelseIds, signal) {
      const answer = await call({
        operation: 'retrieveForsendelseStatuser', user, contentType: SOAP12_CONTENT_TYPE, body: retrieveForsendelseStatuserEnvelope(forsendelseIds), signal,
      });
      return answer.payload.children.flatMap((node) => {
        if (!('name' in node) || node.name !== 'return') return [];
        const forsendelsesid = childText(node, 'forsendelsesid');
        const status = childText(node, 'forsendelseStatus');
        return forsendelsesid === undefined || status === undefined ? [] : [{ forsendelsesid, status, sisteStatusEndring: childText(node, 'sisteStatusEndring') }];
      });
    },

    async retrieveForsendelseIdByEksternRef(user, eksternRef, signal) {
      const answer = await call({
        operation: 'retrieveForsendelseIdByEksternRef', user, contentType: SOAP12_CONTENT_TYPE, body: retrieveForsendelseIdByEksternRefEnvelope(eksternRef), signal,
      });
      return returnValues(answer.payload).filter((id) => id !== '');
    },
  };
}

async function readLimited(response: Dispatcher.ResponseData, operation: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_ANSWER_BYTES) throw new SvarUtUnavailableError(`SvarUt's answer to ${operation} is larger than ${MAX_ANSWER_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (cause) {
    if (cause instanceof SvarUtUnavailableError) throw cause;
    throw new SvarUtUnavailableError(`SvarUt's answer to ${operation} broke off: ${describe(cause)}`, cause);
  }
  return Buffer.concat(chunks);
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}

import type { X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCmsEncryptStream, decryptJwe, encryptJwe, signJws, verifyJwsWithX5c, type KeystoreEntry } from '../../crypto/index.js';
import { randomId } from '../../ids/index.js';
import { Refusal } from './outgoing-upload.js';

// The receiving side of the fake nhn-adapter (transports notes §5.6 Receive step 2): `POST /messages/in`
// carries a JWE to the adapter around the caller's PS256 JWS naming the message id; the answer is
// multipart/mixed with the forretningsmelding as a JWE to the caller's x5c certificate around a JWS the
// adapter signed, and the dokumentpakke CMS-encrypted (AES-256-GCM, tag appended) to that certificate.
// Parts carry form-data dispositions, as Spring's MultipartBodyBuilder writes them.

export interface DownloadRequest {
  id: string;
  /** The caller's certificate, from its JWS. */
  caller: X509Certificate;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

export async function readDownloadRequest(req: IncomingMessage, key: KeystoreEntry): Promise<DownloadRequest> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/jose')) throw new Refusal(415, 'the request must be application/jose');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new Refusal(413, 'the request is too large');
    chunks.push(buffer);
  }
  const opened = await decryptJwe(Buffer.concat(chunks).toString('utf8'), key).catch((error: unknown) => {
    throw new Refusal(400, `the request does not open with the adapter's key: ${error instanceof Error ? error.message : String(error)}`);
  });
  const verified = await verifyJwsWithX5c(opened.plaintext.toString('utf8'), ['PS256']).catch((error: unknown) => {
    throw new Refusal(400, `the request JWS does not verify: ${error instanceof Error ? error.message : String(error)}`);
  });
  const caller = verified.chain[0];
  let id: unknown;
  try {
    id = (JSON.parse(verified.payload.toString('utf8')) as Record<string, unknown>).id;
  } catch {
    throw new Refusal(400, 'the request payload is not JSON');
  }
  if (typeof id !== 'string' || caller === undefined) throw new Refusal(400, 'the request names no message id');
  return { id, caller };
}

export interface AnswerInput {
  /** The forretningsmelding payload (an SBD's JSON). */
  payload: string;
  signer: KeystoreEntry;
  recipient: X509Certificate;
  /** The plain ASiC-E to encrypt to the recipient, when the message has documents. */
  asicPath?: string;
}

export async function writeDownloadAnswer(res: ServerResponse, input: AnswerInput): Promise<void> {
  const jws = await signJws(input.payload, { signer: input.signer, alg: 'PS256' });
  const jwe = await encryptJwe(jws, { recipient: input.recipient, cty: 'JWT' });
  const boundary = `nhn-${randomId()}`;
  const head = (name: string, filename: string, type: string): string =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const asicPath = input.asicPath;
  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from(`${head('forretningsmelding', 'sbd.jwe', 'application/jose')}${jwe}\r\n`);
    if (asicPath !== undefined) {
      yield Buffer.from(head('dokumentpakke', 'asic.zip', 'application/vnd.etsi.asic-e+zip'));
      const cms = createReadStream(asicPath).pipe(createCmsEncryptStream({ recipient: input.recipient, contentEncryption: 'aes-256-gcm-tag-appended' }));
      for await (const chunk of cms) yield chunk as Buffer;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${boundary}` });
  await pipeline(Readable.from(body(), { objectMode: false }), res);
}

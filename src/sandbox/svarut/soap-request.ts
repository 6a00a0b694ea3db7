import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { XMLParser } from 'fast-xml-parser';
import { createCmsDecryptStream, type KeystoreEntry } from '../../crypto/index.js';
import { randomId } from '../../ids/index.js';
import { boundaryOf, parameterOf, relatedParts } from './multipart-related.js';

// A SOAP request as the sandbox's SvarUt reads it: SOAP 1.1 or 1.2, plain or MTOM. Attachments are
// decrypted with SvarUt's key while they stream in and land as files; a document sent inline as base64
// is decrypted the same way. Every element is an array in the parsed tree, namespace prefixes dropped.

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

export type XmlNode = Record<string, unknown>;

export interface ReceivedAttachment {
  path: string;
  size: number;
  sha256: string;
}

export interface SoapRequest {
  version: '1.1' | '1.2';
  /** Local name of the Body's element, e.g. `sendForsendelseMedId`. */
  operation: string;
  payload: XmlNode;
  /** The envelope as it came (for tests that compare the payload). */
  envelopeXml: string;
  /** Attachments by Content-ID (without angle brackets); a failed decryption is kept as its error. */
  attachments: ReadonlyMap<string, ReceivedAttachment | Error>;
}

const MAX_ENVELOPE_BYTES = 16 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

export interface DocumentSink {
  key: KeystoreEntry;
  dir: string;
  /** Told of each decrypted chunk as it is written. */
  onBytes?: (count: number) => void;
}

export async function readSoapRequest(req: AsyncIterable<Buffer>, contentType: string, sink: DocumentSink): Promise<SoapRequest> {
  const attachments = new Map<string, ReceivedAttachment | Error>();
  let envelope: Buffer | undefined;
  const boundary = /^\s*multipart\/related/i.test(contentType) ? boundaryOf(contentType) : undefined;
  if (boundary === undefined) {
    envelope = await collect(req);
  } else {
    const start = parameterOf(contentType, 'start')?.replace(/^<|>$/g, '');
    for await (const part of relatedParts(req, boundary)) {
      const id = (part.headers.get('content-id') ?? '').replace(/^<|>$/g, '');
      if (envelope === undefined && (start === undefined || id === start)) envelope = await collect(part.body);
      else attachments.set(id, await decryptTo(Readable.from(part.body), sink));
    }
  }
  if (envelope === undefined) throw new Error('the MTOM request has no root part');
  const envelopeXml = envelope.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(envelopeXml)) throw new Error('a DTD in a SOAP request');
  const version = envelopeXml.includes(SOAP12) ? '1.2' : '1.1';
  const body = first(first(parser.parse(envelopeXml) as XmlNode, 'Envelope'), 'Body');
  const operation = Object.keys(body ?? {}).find((k) => !k.startsWith('@_'));
  if (body === undefined || operation === undefined) throw new Error('a SOAP request without an operation in its Body');
  return { version, operation, payload: first(body, operation) ?? {}, envelopeXml, attachments };
}

/** Decrypts a document with SvarUt's key into a file; the error instead when it cannot be read. */
export async function decryptTo(source: Readable, sink: DocumentSink): Promise<ReceivedAttachment | Error> {
  const path = join(sink.dir, `document-${randomId()}`);
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      sink.onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, createCmsDecryptStream(sink.key), measure, createWriteStream(path));
    return { path, size, sha256: hash.digest('hex') };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The first child element named `name`; every element is an array because of `isArray`. */
export function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  const item: unknown = Array.isArray(value) ? value[0] : undefined;
  if (typeof item === 'object' && item !== null) return item as XmlNode;
  return item === undefined ? undefined : { '#text': String(item) };
}

export function all(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': String(item) }));
}

export function text(node: XmlNode | undefined, name: string): string | undefined {
  const child = first(node, name);
  const value = child?.['#text'];
  if (value !== undefined) return String(value);
  return child === undefined ? undefined : '';
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > MAX_ENVELOPE_BYTES) throw new Error('the SOAP envelope is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

import busboy from 'busboy';
import { constants, createDecipheriv, createHash, privateDecrypt, randomUUID, verify, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, tempDir } from '../../crypto/fixtures.js';
import { DIALOGMELDING_XML, message, PEER_HER_ID, sendContext, startDphWorld, VEDLEGG_PDF, zipEntries, type DphWorld } from './support.js';

// The request DPH puts on the wire, read by a plain HTTP server and opened with tools other than our own:
// the JWE and the JWS with node:crypto alone (transports notes §4.5), the CMS walked byte by byte and
// decrypted with node:crypto as the reference's DPH form demands — EnvelopedData, RSA-OAEP-SHA-256 to
// the adapter's certificate, AES-256-GCM with the 16-byte tag after the ciphertext (§4.4) — and the
// ASiC-E signature checked with the openssl CLI.

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  body: Buffer;
}

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  parts: Part[];
}

let world: DphWorld;
let dir: Awaited<ReturnType<typeof tempDir>>;
let capture: Server;
let captureUrl: string;
const captured: Captured[] = [];
const NHN_ID = randomUUID();

beforeAll(async () => {
  world = await startDphWorld();
  dir = await tempDir();
  capture = createServer((req, res) => {
    const parts: Part[] = [];
    const parser = busboy({ headers: req.headers });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.push({ name, filename: info.filename, contentType: info.mimeType, body: Buffer.concat(chunks) }));
    });
    parser.on('close', () => {
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, parts });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(NHN_ID);
    });
    req.pipe(parser);
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/nhn-adapter/api`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  await world.close();
  await dir.remove();
});

let request: Captured;
let outgoing: ReturnType<typeof message>;

beforeAll(async () => {
  const transport = await world.transport({ config: { 'efm.dph.uri': captureUrl } });
  outgoing = message();
  const result = await transport.send(outgoing, sendContext());
  expect(result.externalSystemReference).toBe(NHN_ID);
  const first = captured[0];
  if (first === undefined) throw new Error('no request reached the capture server');
  request = first;
});

function part(name: string): Part {
  const found = request.parts.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no part ${name}`);
  return found;
}

const b64url = (text: string): Buffer => Buffer.from(text, 'base64url');
const json = (bytes: Buffer): Record<string, unknown> => JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;

/** The JWE opened with node:crypto and the adapter's key (RFC 7516 §5.2, A256GCM with the protected header as AAD). */
function openJwe(compact: string): { header: Record<string, unknown>; plaintext: Buffer } {
  const [protectedHeader = '', encryptedKey = '', iv = '', ciphertext = '', tag = ''] = compact.split('.');
  const cek = privateDecrypt({ key: world.keys.adapter.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, b64url(encryptedKey));
  const decipher = createDecipheriv('aes-256-gcm', cek, b64url(iv));
  decipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  decipher.setAuthTag(b64url(tag));
  return { header: json(b64url(protectedHeader)), plaintext: Buffer.concat([decipher.update(b64url(ciphertext)), decipher.final()]) };
}

describe('the DPH request on the wire', () => {
  it('is a multipart POST to /messages/out asking for text/plain, with a bearer token', () => {
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/nhn-adapter/api/messages/out');
    expect(request.headers.accept).toBe('text/plain');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(request.parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['forretningsmelding', 'sbd.jwe', 'application/jose'],
      ['dokumentpakke', 'asic.zip', 'application/vnd.etsi.asic-e+zip'],
    ]);
  });

  it('carries the SBD as a PS256 JWS with our certificate as x5c, in a JWE to the adapter\'s certificate', () => {
    const jwe = openJwe(part('forretningsmelding').body.toString('utf8'));
    expect(jwe.header).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    const [h = '', p = '', s = ''] = jwe.plaintext.toString('utf8').split('.');
    const header = json(b64url(h));
    expect(header.alg).toBe('PS256');
    const x5c = header.x5c as string[];
    const signer = new X509Certificate(Buffer.from(x5c[0] ?? '', 'base64'));
    expect(signer.fingerprint256).toBe(world.keys.own.certificate.fingerprint256);
    const isValid = verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key: signer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, b64url(s));
    expect(isValid).toBe(true);
    expect(json(b64url(p))).toEqual(outgoing.message.sbd);
  });
});

// --- a small BER reader, independent of src/crypto

interface Tlv {
  tag: number;
  /** Primitive content, or the concatenated encoding of the children. */
  content: Buffer;
  children: Tlv[];
}

function readTlv(bytes: Buffer, start: number): { tlv: Tlv; end: number } {
  const tag = bytes[start] ?? 0;
  const isConstructed = (tag & 0x20) !== 0;
  let offset = start + 1;
  const first = bytes[offset++] ?? 0;
  if (first === 0x80) {
    const children: Tlv[] = [];
    while (bytes[offset] !== 0 || bytes[offset + 1] !== 0) {
      const child = readTlv(bytes, offset);
      children.push(child.tlv);
      offset = child.end;
    }
    return { tlv: { tag, content: Buffer.alloc(0), children }, end: offset + 2 };
  }
  let length = first;
  if (first > 0x80) {
    length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (bytes[offset++] ?? 0);
  }
  const content = bytes.subarray(offset, offset + length);
  const children: Tlv[] = [];
  for (let at = 0; isConstructed && at < content.length;) {
    const child = readTlv(content, at);
    children.push(child.tlv);
    at = child.end;
  }
  return { tlv: { tag, content, children }, end: offset + length };
}

function child(tlv: Tlv | undefined, ...path: number[]): Tlv {
  let at = tlv;
  for (const index of path) at = at?.children[index];
  if (at === undefined) throw new Error(`no element at ${path.join('.')}`);
  return at;
}

/** The content of a primitive or constructed (chunked) OCTET STRING. */
const octets = (tlv: Tlv): Buffer => (tlv.children.length === 0 ? tlv.content : Buffer.concat(tlv.children.map(octets)));

const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const body = [40 * a + b];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    body.push(...groups);
  }
  return Buffer.from(body);
};

describe('the DPH dokumentpakke on the wire', () => {
  let contentInfo: Tlv;
  beforeAll(() => {
    contentInfo = readTlv(part('dokumentpakke').body, 0).tlv;
  });

  it('is EnvelopedData v0 to the adapter\'s certificate by issuer and serial, with RSAES-OAEP SHA-256', () => {
    expect(child(contentInfo, 0).content).toEqual(oid('1.2.840.113549.1.7.3'));
    const enveloped = child(contentInfo, 1, 0);
    expect(child(enveloped, 0).content).toEqual(Buffer.from([0]));
    const recipient = child(enveloped, 1, 0);
    expect(child(recipient, 0).content).toEqual(Buffer.from([0]));
    const serial = child(recipient, 1, 1).content.toString('hex').replace(/^00/, '').toUpperCase();
    expect(serial).toBe(world.keys.adapter.certificate.serialNumber.toUpperCase().replace(/^0+/, ''));
    const keyEncryption = child(recipient, 2);
    expect(child(keyEncryption, 0).content).toEqual(oid('1.2.840.113549.1.1.7'));
    expect(child(keyEncryption, 1, 0, 0, 0).content).toEqual(oid('2.16.840.1.101.3.4.2.1'));
  });

  it('is AES-256-GCM with a 12-byte nonce and the 16-byte tag after the ciphertext, and opens to the CAdES ASiC-E', async () => {
    const enveloped = child(contentInfo, 1, 0);
    const recipient = child(enveloped, 1, 0);
    const encryptedContentInfo = child(enveloped, 2);
    expect(child(encryptedContentInfo, 0).content).toEqual(oid('1.2.840.113549.1.7.1'));
    const algorithm = child(encryptedContentInfo, 1);
    expect(child(algorithm, 0).content).toEqual(oid('2.16.840.1.101.3.4.1.46'));
    const nonce = child(algorithm, 1, 0).content;
    expect(nonce).toHaveLength(12);
    expect(child(algorithm, 1, 1).content).toEqual(Buffer.from([16]));
    expect(enveloped.children).toHaveLength(3);

    const cek = privateDecrypt({ key: world.keys.adapter.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, child(recipient, 3).content);
    const sealed = octets(child(encryptedContentInfo, 2));
    const decipher = createDecipheriv('aes-256-gcm', cek, nonce);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const asic = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);

    const entries = await zipEntries(asic);
    const names = [...entries.keys()];
    expect(names[0]).toBe('mimetype');
    expect(names).not.toContain('manifest.xml');
    expect(names.slice(1, 3)).toEqual(['dialogmelding.xml', 'vedlegg.pdf']);
    expect(entries.get('dialogmelding.xml')).toEqual(DIALOGMELDING_XML);
    expect(entries.get('vedlegg.pdf')).toEqual(VEDLEGG_PDF);

    const manifest = entries.get('META-INF/ASiCManifest.xml') ?? Buffer.alloc(0);
    for (const [name, bytes] of [['dialogmelding.xml', DIALOGMELDING_XML], ['vedlegg.pdf', VEDLEGG_PDF]] as const) {
      expect(manifest.toString('utf8')).toContain(createHash('sha256').update(bytes).digest('base64'));
      expect(manifest.toString('utf8')).toContain(`URI="${name}"`);
    }
    const signatureName = names.find((n) => /^META-INF\/signature-.+\.p7s$/.test(n)) ?? '';
    await writeFile(join(dir.path, 'manifest.xml'), manifest);
    await writeFile(join(dir.path, 'signature.p7s'), entries.get(signatureName) ?? Buffer.alloc(0));
    const certificates = join(dir.path, 'signer.pem');
    openssl(['cms', '-verify', '-binary', '-noverify', '-inform', 'DER', '-in', join(dir.path, 'signature.p7s'), '-content', join(dir.path, 'manifest.xml'), '-certsout', certificates, '-out', join(dir.path, 'verified')]);
    expect(new X509Certificate(await readFile(certificates)).fingerprint256).toBe(world.keys.own.certificate.fingerprint256);
  });

  it('names the receiver by HER id in the SBD it carries', () => {
    const jwe = openJwe(part('forretningsmelding').body.toString('utf8'));
    const payload = json(b64url(jwe.plaintext.toString('utf8').split('.')[1] ?? ''));
    const header = payload.standardBusinessDocumentHeader as { receiver: { identifier: unknown }[] };
    expect(header.receiver[0]?.identifier).toEqual({ authority: 'nhn-actorid', value: `her-id:${PEER_HER_ID}` });
  });
});

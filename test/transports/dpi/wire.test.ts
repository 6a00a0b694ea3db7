import busboy from 'busboy';
import { execFileSync } from 'node:child_process';
import { createHash, verify, X509Certificate, constants } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { openssl, tempDir } from '../../crypto/fixtures.js';
import { letter, MAILBOX, PRINTER, sendContext, SENDER, startDpiWorld, zipEntries, type DpiWorld } from './support.js';

// The request DPI puts on the wire, read by a plain HTTP server and checked with tools other than our
// own: the JWS with node:crypto against its x5c, the CMS with the openssl CLI, the XAdES signature with
// the JDK. The business message must equal the one nextmove_send_dpi_digital_json.feature expects.

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  body: Buffer;
}

interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  parts: Part[];
}

let world: DpiWorld;
let dir: Awaited<ReturnType<typeof tempDir>>;
let capture: Server;
let captureUrl: string;
const captured: Captured[] = [];

beforeAll(async () => {
  world = await startDpiWorld();
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
      captured.push({ url: req.url ?? '', headers: req.headers, parts });
      res.writeHead(200).end();
    });
    req.pipe(parser);
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/dpi`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  await world.close();
  await dir.remove();
});

async function sendCaptured(outgoing: ReturnType<typeof letter>): Promise<Captured> {
  const transport = await world.transport({ config: { 'efm.dpi.uri': captureUrl } });
  const before = captured.length;
  await transport.send(outgoing, sendContext());
  const request = captured[before];
  if (request === undefined) throw new Error('no request reached the capture server');
  return request;
}

function part(request: Captured, name: string): Part {
  const found = request.parts.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no part ${name}`);
  return found;
}

/** The compact JWS checked with node:crypto against the first x5c certificate. */
function verifiedPayload(jws: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p, s] = jws.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { x5c: string[] };
  const certificate = new X509Certificate(Buffer.from(header.x5c[0] ?? '', 'base64'));
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('the JWS does not verify against its x5c');
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown> };
}

async function opensslDecrypt(cms: Buffer, key: KeystoreEntry, name: string): Promise<string> {
  const cmsPath = join(dir.path, `${name}.cms`);
  const keyPath = join(dir.path, `${name}.key.pem`);
  const certPath = join(dir.path, `${name}.cert.pem`);
  const asicPath = join(dir.path, `${name}.asice`);
  await writeFile(cmsPath, cms);
  await writeFile(keyPath, key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certPath, key.certificate.toString());
  openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', cmsPath, '-inkey', keyPath, '-recip', certPath, '-out', asicPath]);
  return asicPath;
}

function javaVerify(path: string): string {
  try {
    return execFileSync('java', [join(import.meta.dirname, '../../crypto/fixtures/VerifyXades.java'), path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return `FAILED ${error instanceof Error && 'stdout' in error ? String(error.stdout) : ''}`;
  }
}

const normalise = (xml: string): string => xml.replace(/>\s+</g, '><').trim();

describe('DPI send on the wire', () => {
  it('posts one multipart request to messages/out on the channel with the Maskinporten bearer token', async () => {
    const request = await sendCaptured(letter(world));
    expect(request.url).toBe('/dpi/messages/out?kanal=KANAL');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(request.headers['content-length'])).toBeGreaterThan(0);
    expect(request.parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['forretningsmelding', 'sbd.jwt', 'application/jwt'],
      ['dokumentpakke', 'asic.cms', 'application/cms'],
    ]);
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization))?.[1];
    expect(token).toBeDefined();
    const grant = world.maskinporten.lookup(token ?? '');
    expect(grant?.scopes).toEqual(['digitalpostinnbygger:send']);
    const { payload } = verifiedPayload(part(request, 'forretningsmelding').body.toString('utf8'));
    const sbd = payload.standardBusinessDocument as { digital: { maskinportentoken: string } };
    expect(sbd.digital.maskinportentoken).toBe(token);
  });

  it('signs the business message RS256 with our certificate as x5c, over the feature\'s SBD wrapped in standardBusinessDocument', async () => {
    const request = await sendCaptured(letter(world));
    const { header, payload } = verifiedPayload(part(request, 'forretningsmelding').body.toString('utf8'));
    expect(header.alg).toBe('RS256');
    expect(new X509Certificate(Buffer.from((header.x5c as string[])[0] ?? '', 'base64')).subject).toBe(`CN=DIFI test ${SENDER}`);
    const sbd = payload.standardBusinessDocument as Record<string, Record<string, unknown>>;
    const digital = sbd.digital as { dokumentpakkefingeravtrykk: { digestValue: string }; maskinportentoken: string };
    expect(digital.dokumentpakkefingeravtrykk.digestValue).toBe(createHash('sha256').update(part(request, 'dokumentpakke').body).digest('base64'));
    digital.dokumentpakkefingeravtrykk.digestValue = 'dummy';
    digital.maskinportentoken = 'DummyMaskinportenToken';
    const header0 = sbd.standardBusinessDocumentHeader as { documentIdentification: { instanceIdentifier: string }; businessScope: { scope: { instanceIdentifier: string }[] } };
    expect(Object.keys(payload)).toEqual(['standardBusinessDocument']);
    expect(sbd).toEqual({
      standardBusinessDocumentHeader: {
        headerVersion: '1.0',
        sender: [{ identifier: { value: '0192:910077473', authority: 'iso6523-actorid-upis' } }],
        receiver: [{ identifier: { value: `0192:${MAILBOX}`, authority: 'iso6523-actorid-upis' } }],
        documentIdentification: {
          standard: 'urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:digital::1.0',
          typeVersion: '1.0',
          instanceIdentifier: header0.documentIdentification.instanceIdentifier,
          type: 'digital',
          creationDateAndTime: '2019-03-25T11:38:23Z',
        },
        businessScope: {
          scope: [{
            type: 'ConversationId',
            instanceIdentifier: header0.businessScope.scope[0]?.instanceIdentifier,
            identifier: 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:digital:ver1.0',
            scopeInformation: [{ expectedResponseDateTime: '2019-05-09T23:31:52Z' }],
          }],
        },
      },
      digital: {
        avsender: {
          virksomhetsidentifikator: { authority: 'iso6523-actorid-upis', value: '0192:910077473' },
          avsenderidentifikator: 'avsender910077473',
          fakturaReferanse: 'faktura910077473',
        },
        mottaker: { postkasseadresse: 'dummy' },
        dokumentpakkefingeravtrykk: { digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256', digestValue: 'dummy' },
        maskinportentoken: 'DummyMaskinportenToken',
        sikkerhetsnivaa: 3,
        virkningstidspunkt: '2019-05-11T22:00:00Z',
        aapningskvittering: false,
        ikkesensitivtittel: 'Min supertittel',
        spraak: 'NO',
        varsler: {},
      },
    });
  });

  it('packs an XAdES ASiC-E with the SDP manifest that openssl decrypts with the mailbox key and the JDK verifies', async () => {
    const request = await sendCaptured(letter(world));
    const asic = await opensslDecrypt(part(request, 'dokumentpakke').body, world.keys.get(MAILBOX) as KeystoreEntry, 'digital');
    const entries = await zipEntries(asic);
    expect([...entries.keys()]).toEqual(['mimetype', 'manifest.xml', 'arkivmelding.xml', 'test.txt', 'META-INF/signatures.xml', 'META-INF/manifest.xml']);
    expect(entries.get('mimetype')?.toString()).toBe('application/vnd.etsi.asic-e+zip');
    expect(entries.get('test.txt')?.toString()).toBe('Testing 1 2 3');
    expect(normalise(entries.get('manifest.xml')?.toString() ?? '')).toBe(normalise(`<?xml version="1.0" encoding="UTF-8"?>
      <manifest xmlns="http://begrep.difi.no/sdp/schema_v10">
        <mottaker><person><postkasseadresse>dummy</postkasseadresse></person></mottaker>
        <avsender>
          <organisasjon authority="iso6523-actorid-upis">0192:910077473</organisasjon>
          <avsenderidentifikator>avsender910077473</avsenderidentifikator>
          <fakturaReferanse>faktura910077473</fakturaReferanse>
        </avsender>
        <hoveddokument href="arkivmelding.xml" mime="application/xml">
          <tittel lang="NO">Arkivmelding</tittel>
          <data href="test.txt" mime="text/plain"/>
        </hoveddokument>
      </manifest>`));
    expect(javaVerify(asic)).toMatch(/^VALID 4 references/);
  }, 60_000);

  it('encrypts print to the printer\'s certificate from the KRR lookup and lists the attachments as vedlegg', async () => {
    const request = await sendCaptured(letter(world, { type: 'print' }));
    const asic = await opensslDecrypt(part(request, 'dokumentpakke').body, world.keys.get(PRINTER) as KeystoreEntry, 'print');
    const manifest = (await zipEntries(asic)).get('manifest.xml')?.toString() ?? '';
    expect(normalise(manifest)).toBe(normalise(`<?xml version="1.0" encoding="UTF-8"?>
      <manifest xmlns="http://begrep.difi.no/sdp/schema_v10">
        <avsender>
          <organisasjon authority="iso6523-actorid-upis">0192:910077473</organisasjon>
          <avsenderidentifikator>avsender910077473</avsenderidentifikator>
          <fakturaReferanse>faktura910077473</fakturaReferanse>
        </avsender>
        <hoveddokument href="arkivmelding.xml" mime="application/xml"><tittel lang="NO">Arkivmelding</tittel></hoveddokument>
        <vedlegg href="test.txt" mime="text/plain"><tittel lang="NO">Test</tittel></vedlegg>
      </manifest>`));
    const { payload } = verifiedPayload(part(request, 'forretningsmelding').body.toString('utf8'));
    const sbd = payload.standardBusinessDocument as { standardBusinessDocumentHeader: { receiver: unknown }; utskrift: Record<string, unknown> };
    expect(sbd.standardBusinessDocumentHeader.receiver).toEqual([{ identifier: { value: `0192:${PRINTER}`, authority: 'iso6523-actorid-upis' } }]);
    const { dokumentpakkefingeravtrykk: _fingerprint, maskinportentoken: _token, ...utskrift } = sbd.utskrift;
    expect(utskrift).toEqual({
      avsender: {
        virksomhetsidentifikator: { authority: 'iso6523-actorid-upis', value: '0192:910077473' },
        avsenderidentifikator: 'avsender910077473',
        fakturaReferanse: 'faktura910077473',
      },
      mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Fjellveien 1', adresselinje2: 'Langt oppi lia', adresselinje3: 'der trollene bor', postnummer: '3400', poststed: 'FJELLET' },
      utskriftstype: 'SORT_HVIT',
      retur: {
        mottaker: { navn: 'Dr. Sprøyte Gal', adresselinje1: 'Sadistveien 1', adresselinje2: 'argh', adresselinje3: 'uff', adresselinje4: 'off', postnummer: '0195', poststed: 'Oslo' },
        returposthaandtering: 'DIREKTE_RETUR',
      },
      posttype: 'B',
    });
  });
});

import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { createCmsEncryptStream, decryptCms, type KeystoreEntry } from '../../../src/crypto/index.js';
import { startFakeSvarUt, type FakeSvarUt } from '../../../src/sandbox/svarut/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// The sandbox's SvarUt and SvarInn, spoken to with plain fetch and hand-written SOAP: refusals first,
// then SOAP 1.1 with an inline document (the transport's own tests cover SOAP 1.2 with MTOM), the
// faults in the caller's SOAP version, and SvarInn's encrypted download.

const SVARUT_ORG = '910075924';
const SENDER = '910077473';
const RECEIVER = '910075918';
const AUTH = `Basic ${Buffer.from('sender:pw').toString('base64')}`;
const RECEIVER_AUTH = `Basic ${Buffer.from('receiver:pw').toString('base64')}`;
const SERVICE = '/tjenester/forsendelseservice/ForsendelsesServiceV9';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

let fake: FakeSvarUt;
let svarUtKey: KeystoreEntry;
let receiverKey: KeystoreEntry;

beforeAll(async () => {
  svarUtKey = await cucumberEntry(SVARUT_ORG);
  receiverKey = await cucumberEntry(RECEIVER);
  fake = await startFakeSvarUt({
    svarUtKey,
    accounts: [{ orgnr: SENDER, username: 'sender', password: 'pw' }, { orgnr: RECEIVER, username: 'receiver', password: 'pw' }],
    certificates: { [RECEIVER]: receiverKey.certificate.toString() },
    forsendelseTyper: ['brev', 'vedtak'],
  });
});
afterEach(() => fake.failures.clear());
afterAll(() => fake.close());

async function encrypt(plain: Buffer, key: KeystoreEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from([plain]).pipe(createCmsEncryptStream({ recipient: key.certificate }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function decrypt(cms: Buffer, key: KeystoreEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptCms(Readable.from([cms]), key)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function envelope(version: '1.1' | '1.2', operation: string, inner = ''): string {
  return `<?xml version="1.0"?><s:Envelope xmlns:s="${version === '1.1' ? SOAP11 : SOAP12}"><s:Body><v:${operation} xmlns:v="http://www.ks.no/svarut/servicesV9">${inner}</v:${operation}></s:Body></s:Envelope>`;
}

async function soap(version: '1.1' | '1.2', body: string, auth = AUTH) {
  const response = await fetch(`${fake.url}${SERVICE}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8' },
    body,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function forsendelse(id: string, base64Data: string): string {
  return `<forsendelse><dokumenter><data>${base64Data}</data><filnavn>brev.txt</filnavn><mimetype>text/plain</mimetype></dokumenter>`
    + `<eksternref>${id}</eksternref><mottaker><digitalAdresse><orgnr>${RECEIVER}</orgnr></digitalAdresse><postAdresse><navn>Mottaker AS</navn></postAdresse></mottaker>`
    + `<metadataFraAvleverendeSystem><journalposttype>U</journalposttype><journaldato>2024-02-01T00:00:00</journaldato></metadataFraAvleverendeSystem>`
    + `<tittel>Et brev</tittel></forsendelse><forsendelsesid>${id}</forsendelsesid>`;
}

async function zipEntries(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, z) => (error ? reject(error) : resolve(z)));
  });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve).on('error', reject);
    zip.readEntry();
  });
  return out;
}

describe('sandbox SvarUt refusals', () => {
  it('refuses a request without a known user, on SvarUt and SvarInn alike', async () => {
    expect((await soap('1.2', envelope('1.2', 'retreiveForsendelseTyper'), `Basic ${Buffer.from('sender:wrong').toString('base64')}`)).status).toBe(401);
    expect((await fetch(`${fake.svarInnUrl}/mottaker/hentNyeForsendelser`)).status).toBe(401);
  });

  it('fails on demand before it looks at the request', async () => {
    fake.failures.failNext(1, { status: 503 });

    expect((await soap('1.2', envelope('1.2', 'retreiveForsendelseTyper'))).status).toBe(503);
    expect((await soap('1.2', envelope('1.2', 'retreiveForsendelseTyper'))).status).toBe(200);
  });

  it('answers a fault in the caller\'s SOAP version', async () => {
    fake.faultNext(2, 'Midlertidig feil');

    const v11 = await soap('1.1', envelope('1.1', 'retreiveForsendelseTyper'));
    const v12 = await soap('1.2', envelope('1.2', 'retreiveForsendelseTyper'));

    expect(v11).toMatchObject({ status: 500, contentType: 'text/xml; charset=utf-8' });
    expect(v11.text).toContain(`xmlns:soap="${SOAP11}"`);
    expect(v11.text).toContain('<faultstring>Midlertidig feil</faultstring>');
    expect(v12).toMatchObject({ status: 500, contentType: 'application/soap+xml; charset=utf-8' });
    expect(v12.text).toContain('<soap:Text xml:lang="no">Midlertidig feil</soap:Text>');
  });

  it('refuses a document SvarUt\'s key cannot decrypt, and a duplicate forsendelsesid', async () => {
    const wrongKey = (await encrypt(Buffer.from('hei'), receiverKey)).toString('base64');
    const rightKey = (await encrypt(Buffer.from('hei'), svarUtKey)).toString('base64');

    const unreadable = await soap('1.2', envelope('1.2', 'sendForsendelseMedId', forsendelse('f-unreadable', wrongKey)));
    await soap('1.2', envelope('1.2', 'sendForsendelseMedId', forsendelse('f-twice', rightKey)));
    const duplicate = await soap('1.2', envelope('1.2', 'sendForsendelseMedId', forsendelse('f-twice', rightKey)));

    expect(unreadable.text).toContain('Feil under lesing av dokument brev.txt');
    expect(duplicate.text).toContain('Duplikat forsendelsesid f-twice');
  });
});

describe('sandbox SvarUt and SvarInn', () => {
  it('takes a SOAP 1.1 forsendelse with an inline document, answers in SOAP 1.1 and keeps it decrypted', async () => {
    const data = (await encrypt(Buffer.from('Et lite brev'), svarUtKey)).toString('base64');

    const answer = await soap('1.1', envelope('1.1', 'sendForsendelseMedId', forsendelse('f-inline', data)));

    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`xmlns:soap="${SOAP11}"`);
    expect(answer.text).toContain('<return>f-inline</return>');
    const stored = fake.forsendelser().find((f) => f.id === 'f-inline');
    expect(stored).toMatchObject({ senderOrgnr: SENDER, mottakerOrgnr: RECEIVER, tittel: 'Et brev', status: 'MOTTATT' });
    expect(await readFile(stored?.documents[0]?.path ?? '')).toEqual(Buffer.from('Et lite brev'));
  });

  it('lists the forsendelse for its receiver, downloads it as a zip encrypted to the receiver, and reports LEST once acknowledged', async () => {
    const data = (await encrypt(Buffer.from('Til mottaker'), svarUtKey)).toString('base64');
    await soap('1.2', envelope('1.2', 'sendForsendelseMedId', forsendelse('f-svarinn', data)));

    const list = await (await fetch(`${fake.svarInnUrl}/mottaker/hentNyeForsendelser`, { headers: { authorization: RECEIVER_AUTH } })).json() as Record<string, unknown>[];
    const listed = list.find((f) => f.id === 'f-svarinn');
    const download = await fetch(String(listed?.downloadUrl), { headers: { authorization: RECEIVER_AUTH } });
    const files = await zipEntries(await decrypt(Buffer.from(await download.arrayBuffer()), receiverKey));
    await fetch(`${fake.svarInnUrl}/kvitterMottak/forsendelse/f-svarinn`, { method: 'POST', headers: { authorization: RECEIVER_AUTH } });
    const statuses = await soap('1.2', envelope('1.2', 'retrieveForsendelseStatuser', '<forsendelseider>f-svarinn</forsendelseider>'));

    expect(listed).toMatchObject({ svarSendesTil: { orgnr: SENDER }, metadataFraAvleverendeSystem: { journalposttype: 'U', journaldato: Date.parse('2024-01-31T23:00:00Z') } });
    expect(files).toEqual(new Map([['brev.txt', Buffer.from('Til mottaker')]]));
    expect(statuses.text).toContain('<forsendelseStatus>LEST</forsendelseStatus>');
    const after = await (await fetch(`${fake.svarInnUrl}/mottaker/hentNyeForsendelser`, { headers: { authorization: RECEIVER_AUTH } })).json() as Record<string, unknown>[];
    expect(after.some((f) => f.id === 'f-svarinn')).toBe(false);
  });

  it('offers the forsendelsestyper it was given and finds a forsendelse by its eksternref', async () => {
    const data = (await encrypt(Buffer.from('x'), svarUtKey)).toString('base64');
    await soap('1.2', envelope('1.2', 'sendForsendelseMedId', forsendelse('f-ref', data)));

    const types = await soap('1.2', envelope('1.2', 'retreiveForsendelseTyper'));
    const byRef = await soap('1.2', envelope('1.2', 'retrieveForsendelseIdByEksternRef', '<eksternRef>f-ref</eksternRef>'));

    expect(types.text).toContain('<return>brev</return><return>vedtak</return>');
    expect(byRef.text).toContain('<return>f-ref</return>');
  });
});

import { constants, createCipheriv, createDecipheriv, createPrivateKey, privateDecrypt, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CmsDecryptionError,
  CmsFormatError,
  createCmsDecryptStream,
  createCmsEncryptStream,
  type CmsEncryptOptions,
  type ContentEncryption,
  type KeystoreEntry,
  type KeyTransport,
} from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, openssl, PEER_ORG, tempDir } from './fixtures.js';
import { through } from './streams.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let own: KeystoreEntry;
let peer: KeystoreEntry;
let keyFile: string;
let certFile: string;

beforeAll(async () => {
  dir = await tempDir();
  own = await cucumberEntry(OWN_ORG);
  peer = await cucumberEntry(PEER_ORG);
  keyFile = join(dir.path, 'own.key.pem');
  certFile = join(dir.path, 'own.cert.pem');
  await writeFile(keyFile, own.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certFile, own.certificate.toString());
});
afterAll(async () => { await dir.remove(); });

const encrypt = (data: Buffer, options: Partial<CmsEncryptOptions> = {}): Promise<Buffer> =>
  through(createCmsEncryptStream({ recipient: own.certificate, ...options }), data);
const decrypt = (cms: Buffer, entry: KeystoreEntry = own, chunkBytes?: number): Promise<Buffer> =>
  through(createCmsDecryptStream(entry), cms, chunkBytes);

async function opensslDecrypt(cms: Buffer): Promise<Buffer> {
  const file = join(dir.path, `in-${randomBytes(4).toString('hex')}.der`);
  await writeFile(file, cms);
  return openssl(['cms', '-decrypt', '-inform', 'DER', '-in', file, '-inkey', keyFile, '-recip', certFile, '-binary']);
}

async function opensslEncrypt(data: Buffer, args: string[]): Promise<Buffer> {
  const file = join(dir.path, `plain-${randomBytes(4).toString('hex')}.bin`);
  await writeFile(file, data);
  return openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', file, '-recip', certFile, ...args]);
}

describe('CMS round trip', () => {
  const forms: [KeyTransport, ContentEncryption][] = [
    ['rsa-oaep', 'aes-256-cbc'],
    ['rsa-pkcs1', 'aes-256-cbc'],
    ['rsa-oaep', 'aes-256-gcm'],
    ['rsa-oaep', 'aes-256-gcm-tag-appended'],
  ];
  for (const [keyTransport, contentEncryption] of forms) {
    it(`gives back the plaintext for ${keyTransport} with ${contentEncryption} at every size`, async () => {
      for (const size of [0, 1, 15, 16, 17, 70_000]) {
        const data = randomBytes(size);
        const cms = await encrypt(data, { keyTransport, contentEncryption });
        // Reading in 7-byte pieces crosses every header and the held-back GCM tag.
        expect(await decrypt(cms, own, 7)).toEqual(data);
        expect(await decrypt(cms)).toEqual(data);
      }
    });
  }

  it('writes indefinite-length BER: the output starts before the input ends', async () => {
    const cms = await encrypt(Buffer.from('x'));
    expect(cms.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
  });
});

describe('CMS interop with openssl', () => {
  const data = randomBytes(100_000);

  it('openssl cms -decrypt opens our EnvelopedData with RSA-OAEP and AES-256-CBC', async () => {
    expect(await opensslDecrypt(await encrypt(data, { keyTransport: 'rsa-oaep' }))).toEqual(data);
  });

  it('openssl cms -decrypt opens our EnvelopedData with RSA PKCS#1 v1.5 and AES-256-CBC', async () => {
    expect(await opensslDecrypt(await encrypt(data, { keyTransport: 'rsa-pkcs1' }))).toEqual(data);
  });

  it('openssl cms -decrypt opens our AuthEnvelopedData with AES-256-GCM', async () => {
    expect(await opensslDecrypt(await encrypt(data, { contentEncryption: 'aes-256-gcm' }))).toEqual(data);
  });

  it('uses the OAEP parameters the reference writes (SHA-256, MGF1-SHA-256)', async () => {
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], await encrypt(Buffer.from('x'))).toString('utf8');
    expect(printed).toContain('rsaesOaep');
    expect(printed.match(/sha256/g)?.length).toBeGreaterThanOrEqual(2);
    expect(printed).toContain('mgf1');
  });

  const made: [string, string[]][] = [
    ['RSA-OAEP SHA-256 and AES-256-CBC', ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256']],
    ['RSA-OAEP with the default SHA-1 (as the conformance harness sends)', ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep']],
    ['RSA PKCS#1 v1.5 and AES-256-CBC (as SvarInn sends)', ['-aes-256-cbc']],
    ['AES-256-GCM (AuthEnvelopedData)', ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256']],
    ['indefinite-length BER (-stream)', ['-aes-256-cbc', '-stream']],
  ];
  /** A fresh key and self-signed certificate with a subject key identifier, which the fixtures lack. */
  async function entryWithKeyId(name: string): Promise<{ entry: KeystoreEntry; certFile: string }> {
    const keyPem = join(dir.path, `${name}-key.pem`);
    const certPem = join(dir.path, `${name}-cert.pem`);
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPem, '-out', certPem, '-subj', `/CN=${name}`, '-days', '2', '-addext', 'subjectKeyIdentifier=hash']);
    const certificate = new X509Certificate(await readFile(certPem));
    return { entry: { alias: name, privateKey: createPrivateKey(await readFile(keyPem)), certificate, chain: [certificate] }, certFile: certPem };
  }

  for (const keyid of [false, true]) {
    it(`finds its own recipient among several, named by ${keyid ? 'subject key identifier' : 'issuer and serial'}`, async () => {
      let ours = { entry: own, certFile };
      let other = join(dir.path, 'peer-cert.pem');
      await writeFile(other, peer.certificate.toString());
      if (keyid) {
        ours = await entryWithKeyId('ours');
        other = (await entryWithKeyId('other')).certFile;
      }
      const file = join(dir.path, `plain-${randomBytes(4).toString('hex')}.bin`);
      await writeFile(file, data);
      // Ours comes second: taking the first recipient would fail to decrypt.
      const cms = openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', file, '-aes-256-cbc', ...(keyid ? ['-keyid'] : []), '-recip', other, '-recip', ours.certFile]);
      expect(await decrypt(cms, ours.entry)).toEqual(data);
    });
  }

  for (const [what, args] of made) {
    it(`decrypts what openssl cms -encrypt made: ${what}`, async () => {
      const cms = await opensslEncrypt(data, args);
      expect(await decrypt(cms)).toEqual(data);
      expect(await decrypt(cms, own, 5)).toEqual(data);
    });
  }
});

describe('CMS for DPH: AES-256-GCM in EnvelopedData with the tag appended (transports notes §4.4)', () => {
  it('decrypts a vector built independently with node:crypto over the documented structure', async () => {
    const plaintext = randomBytes(5000);
    const cms = buildDphVector(plaintext, own.certificate);
    expect(await decrypt(cms)).toEqual(plaintext);
    expect(await decrypt(cms, own, 3)).toEqual(plaintext);
  });

  it('writes the form an independent reader opens: the last 16 content bytes are the GCM tag', async () => {
    const plaintext = randomBytes(40_000);
    const cms = await encrypt(plaintext, { contentEncryption: 'aes-256-gcm-tag-appended' });
    expect(openDphIndependently(cms, own)).toEqual(plaintext);
  });

  it('refuses content whose tag does not match', async () => {
    const cms = buildDphVector(randomBytes(100), own.certificate);
    const tampered = Buffer.from(cms);
    const at = tampered.length - 30;
    tampered[at] = (tampered[at] ?? 0) ^ 0x01;
    await expect(decrypt(tampered)).rejects.toBeInstanceOf(CmsDecryptionError);
  });
});

describe('CMS refusals', () => {
  it('refuses content encrypted to another key with CmsDecryptionError', async () => {
    const cms = await through(createCmsEncryptStream({ recipient: peer.certificate }), Buffer.from('secret'));
    await expect(decrypt(cms)).rejects.toBeInstanceOf(CmsDecryptionError);
  });

  it('refuses altered AuthEnvelopedData with CmsDecryptionError', async () => {
    const cms = await encrypt(randomBytes(1000), { contentEncryption: 'aes-256-gcm' });
    const tampered = Buffer.from(cms);
    tampered[tampered.length - 200] = (tampered[tampered.length - 200] ?? 0) ^ 0x80;
    await expect(decrypt(tampered)).rejects.toBeInstanceOf(CmsDecryptionError);
  });

  it('refuses a truncated CMS with CmsFormatError', async () => {
    const cms = await encrypt(randomBytes(1000));
    await expect(decrypt(cms.subarray(0, cms.length - 10))).rejects.toBeInstanceOf(CmsFormatError);
  });

  it('refuses bytes that are not CMS with CmsFormatError', async () => {
    await expect(decrypt(Buffer.from('PK\u0003\u0004 this is a zip, not a CMS'))).rejects.toBeInstanceOf(CmsFormatError);
    await expect(decrypt(Buffer.alloc(0))).rejects.toBeInstanceOf(CmsFormatError);
  });

  it('refuses trailing data after the ContentInfo', async () => {
    const cms = await encrypt(Buffer.from('x'));
    await expect(decrypt(Buffer.concat([cms, Buffer.from('junk')]))).rejects.toBeInstanceOf(CmsFormatError);
  });

  it('keeps working from a file written by openssl in one piece', async () => {
    const data = randomBytes(3000);
    const file = join(dir.path, 'openssl-file.der');
    await writeFile(file, await opensslEncrypt(data, ['-aes-256-cbc']));
    expect(await decrypt(await readFile(file), own, 1 << 20)).toEqual(data);
  });
});

// --- an independent DER writer and reader for the DPH form, so the test does not check our code with itself

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  if (body.length < 0x80) return Buffer.concat([Buffer.from([tag, body.length]), body]);
  const hex = body.length.toString(16);
  const lengthBytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return Buffer.concat([Buffer.from([tag, 0x80 | lengthBytes.length]), lengthBytes, body]);
}

const oid = (hex: string): Buffer => der(0x06, Buffer.from(hex, 'hex'));
const NULL = Buffer.from([0x05, 0x00]);

/** issuer Name and serial INTEGER, cut out of the certificate's TBSCertificate. */
function issuerAndSerial(cert: X509Certificate): Buffer {
  const parsed = asn1js.fromBER(new Uint8Array(cert.raw)).result as asn1js.Sequence;
  const tbsBlock = parsed.valueBlock.value[0] as asn1js.Sequence;
  const [, serial, , issuer] = tbsBlock.valueBlock.value;
  if (serial === undefined || issuer === undefined) throw new Error('unexpected certificate layout');
  return der(0x30, Buffer.from(issuer.toBER()), Buffer.from(serial.toBER()));
}

function buildDphVector(plaintext: Buffer, recipient: X509Certificate): Buffer {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const encryptedKey = publicEncrypt({ key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
  const sha256 = der(0x30, oid('608648016503040201'), NULL);
  const oaepParams = der(0x30, der(0xa0, sha256), der(0xa1, der(0x30, oid('2a864886f70d010108'), sha256)));
  const ktri = der(0x30, der(0x02, Buffer.from([0])), issuerAndSerial(recipient), der(0x30, oid('2a864886f70d010107'), oaepParams), der(0x04, encryptedKey));
  const gcmParams = der(0x30, der(0x04, nonce), der(0x02, Buffer.from([16])));
  const eci = der(0x30, oid('2a864886f70d010701'), der(0x30, oid('60864801650304012e'), gcmParams), der(0x80, ciphertext));
  const envelopedData = der(0x30, der(0x02, Buffer.from([0])), der(0x31, ktri), eci);
  return der(0x30, oid('2a864886f70d010703'), der(0xa0, envelopedData));
}

function openDphIndependently(cms: Buffer, entry: KeystoreEntry): Buffer {
  const contentInfo = asn1js.fromBER(new Uint8Array(cms)).result as asn1js.Sequence;
  const children = (block: asn1js.AsnType): asn1js.AsnType[] => (block as asn1js.Sequence).valueBlock.value;
  const [, explicit] = children(contentInfo);
  const [envelopedData] = children(explicit as asn1js.AsnType);
  const [, recipientInfos, eci] = children(envelopedData as asn1js.AsnType);
  const [ktri] = children(recipientInfos as asn1js.AsnType);
  const encryptedKey = children(ktri as asn1js.AsnType)[3] as asn1js.OctetString;
  const [, algorithm, content] = children(eci as asn1js.AsnType);
  const [algOid, gcmParams] = children(algorithm as asn1js.AsnType);
  expect((algOid as asn1js.ObjectIdentifier).valueBlock.toString()).toBe('2.16.840.1.101.3.4.1.46');
  const nonce = Buffer.from((children(gcmParams as asn1js.AsnType)[0] as asn1js.OctetString).valueBlock.valueHexView);
  const segments = children(content as asn1js.AsnType).map((s) => Buffer.from((s as asn1js.OctetString).valueBlock.valueHexView));
  const body = Buffer.concat(segments);
  const key = privateDecrypt({ key: entry.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(encryptedKey.valueBlock.valueHexView));
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
}

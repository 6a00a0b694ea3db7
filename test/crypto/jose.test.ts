import { constants, createDecipheriv, privateDecrypt, verify, X509Certificate } from 'node:crypto';
import { exportJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptJwe, encryptJwe, JoseError, signJws, verifyJwsWithJwks, verifyJwsWithX5c, type KeystoreEntry } from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, PEER_ORG } from './fixtures.js';

let own: KeystoreEntry;
let peer: KeystoreEntry;
beforeAll(async () => {
  own = await cucumberEntry(OWN_ORG);
  peer = await cucumberEntry(PEER_ORG);
});

const sbd = JSON.stringify({ standardBusinessDocument: { standardBusinessDocumentHeader: { headerVersion: '1.0' } } });

/** Verifies a compact JWS against its x5c with node:crypto alone, as the conformance harness does. */
function verifyIndependently(jws: string): { alg: string; x5c: string[] } {
  const [head = '', body = '', signature = ''] = jws.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg: string; x5c: string[] };
  const cert = new X509Certificate(Buffer.from(header.x5c[0] ?? '', 'base64'));
  const padding = header.alg === 'PS256' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
  const ok = verify('sha256', Buffer.from(`${head}.${body}`), { key: cert.publicKey, padding, saltLength: 32 }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('independent verification failed');
  return header;
}

describe(signJws.name, () => {
  for (const alg of ['RS256', 'PS256'] as const) {
    it(`signs ${alg} with our certificate as x5c, verifiable without jose`, async () => {
      const jws = await signJws(sbd, { signer: own, alg });
      const header = verifyIndependently(jws);
      expect(header.alg).toBe(alg);
      expect(header.x5c).toEqual([own.certificate.raw.toString('base64')]);
      const verified = await verifyJwsWithX5c(jws);
      expect(verified.payload.toString()).toBe(sbd);
      expect(verified.chain[0]?.fingerprint256).toBe(own.certificate.fingerprint256);
    });
  }
});

describe(verifyJwsWithX5c.name, () => {
  it('refuses a JWS whose payload was swapped', async () => {
    const [head, , signature] = (await signJws(sbd, { signer: own, alg: 'RS256' })).split('.');
    const forged = `${head}.${Buffer.from('{"forged":true}').toString('base64url')}.${signature}`;
    await expect(verifyJwsWithX5c(forged)).rejects.toBeInstanceOf(JoseError);
  });

  it('refuses a JWS without x5c and an algorithm outside the allowed list', async () => {
    const jws = await signJws(sbd, { signer: own, alg: 'PS256' });
    await expect(verifyJwsWithX5c(jws, ['RS256'])).rejects.toBeInstanceOf(JoseError);
    await expect(verifyJwsWithX5c('eyJhbGciOiJSUzI1NiJ9.e30.c2ln')).rejects.toBeInstanceOf(JoseError);
  });
});

describe(verifyJwsWithJwks.name, () => {
  it('uses the key the kid names, or else the first RSA key of the set', async () => {
    const ownJwk = { ...(await exportJWK(own.certificate.publicKey)), kid: 'own', use: 'sig' };
    const peerJwk = { ...(await exportJWK(peer.certificate.publicKey)), kid: 'peer', use: 'sig' };
    const withKid = await signJws(sbd, { signer: own, alg: 'RS256', header: { kid: 'own' } });
    expect((await verifyJwsWithJwks(withKid, { keys: [peerJwk, ownJwk] })).payload.toString()).toBe(sbd);
    const withoutKid = await signJws(sbd, { signer: own, alg: 'RS256' });
    expect((await verifyJwsWithJwks(withoutKid, { keys: [ownJwk, peerJwk] })).payload.toString()).toBe(sbd);
    await expect(verifyJwsWithJwks(withoutKid, { keys: [peerJwk, ownJwk] })).rejects.toBeInstanceOf(JoseError);
    await expect(verifyJwsWithJwks(withKid, { keys: [peerJwk] })).rejects.toThrow(/no RSA key with kid "own"/);
  });
});

describe(encryptJwe.name, () => {
  it('encrypts RSA-OAEP-256 + A256GCM so that node:crypto alone opens it', async () => {
    const jwe = await encryptJwe(sbd, { recipient: own.certificate, cty: 'JWT' });
    const [head = '', encryptedKey = '', iv = '', ciphertext = '', tag = ''] = jwe.split('.');
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as Record<string, string>;
    expect(header).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    const key = privateDecrypt({ key: own.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(encryptedKey, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(head));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString()).toBe(sbd);
  });

  it('carries a nested JWS (the DPH form) that decryptJwe and verifyJwsWithX5c open', async () => {
    const jwe = await encryptJwe(await signJws(sbd, { signer: peer, alg: 'PS256' }), { recipient: own.certificate, cty: 'JWT' });
    const { plaintext, header } = await decryptJwe(jwe, own);
    expect(header.cty).toBe('JWT');
    const inner = await verifyJwsWithX5c(plaintext.toString());
    expect(inner.payload.toString()).toBe(sbd);
    expect(inner.chain[0]?.fingerprint256).toBe(peer.certificate.fingerprint256);
    await expect(decryptJwe(jwe, peer)).rejects.toBeInstanceOf(JoseError);
  });
});

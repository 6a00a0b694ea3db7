import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { CentralConfigRejectedError, signCentralDocument, verifyCentralDocument, type RejectionReason } from '../../src/central-config/index.js';

const NOW = new Date('2026-05-04T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rsaKeys = async (): Promise<JSONWebKeySet> => ({ keys: [{ ...(await exportJWK(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)) }] });
const pinned = async (): Promise<JSONWebKeySet> => {
  const { n, e, kty } = await exportJWK(rsa);
  return { keys: [{ kty, n, e }] };
};
const options = async () => ({ keys: await pinned(), orgNumber: '910077473', now: NOW, toleranceMs: 60_000 });

async function reasonOf(promise: Promise<unknown>): Promise<RejectionReason | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof CentralConfigRejectedError) return error.reason;
    throw error;
  }
}

const rawJws = (header: Record<string, unknown>, payload: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256', ...header }).sign(rsa);

describe(verifyCentralDocument.name, () => {
  it('accepts an RS256 document and returns its claims and hash', async () => {
    const jws = await signCentralDocument({ privateKey: rsa, alg: 'RS256', claims: { serial: 3, iat: NOW_S, exp: NOW_S + 60, settings: { 'efm.log.level': 'warn' } } });
    const document = await verifyCentralDocument(jws, await options());
    expect(document).toMatchObject({ serial: 3, settings: { 'efm.log.level': 'warn' }, jws });
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts an expiry just inside the clock tolerance and refuses one beyond it', async () => {
    const sign = (exp: number) => signCentralDocument({ privateKey: rsa, alg: 'RS256', claims: { serial: 1, iat: NOW_S - 600, exp, settings: {} } });
    expect(await reasonOf(verifyCentralDocument(await sign(NOW_S - 30), await options()))).toBeUndefined();
    expect(await reasonOf(verifyCentralDocument(await sign(NOW_S - 90), await options()))).toBe('expired');
  });

  it('refuses a signature by a key that is not pinned', async () => {
    const jws = await signCentralDocument({ privateKey: rsa, alg: 'RS256', claims: { serial: 1, iat: NOW_S, exp: NOW_S + 60, settings: {} } });
    expect(await reasonOf(verifyCentralDocument(jws, { ...(await options()), keys: await rsaKeys() }))).toBe('forged');
  });

  it('refuses an unsigned (alg none) document', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const jws = `${b64({ alg: 'none', typ: 'efm-config+jwt' })}.${b64({ serial: 1, iat: NOW_S, exp: NOW_S + 60, settings: {} })}.`;
    expect(await reasonOf(verifyCentralDocument(jws, await options()))).toBe('forged');
  });

  it('refuses a JWS of another type signed by the same key, such as another kind of token', async () => {
    const jws = await rawJws({ typ: 'JWT' }, { serial: 1, iat: NOW_S, exp: NOW_S + 60, settings: {} });
    expect(await reasonOf(verifyCentralDocument(jws, await options()))).toBe('malformed');
  });

  it.each([
    ['a serial of 0', { serial: 0, iat: NOW_S, exp: NOW_S + 60, settings: {} }],
    ['no exp', { serial: 1, iat: NOW_S, settings: {} }],
    ['settings as a list', { serial: 1, iat: NOW_S, exp: NOW_S + 60, settings: ['efm.log.level'] }],
    ['an object as a value', { serial: 1, iat: NOW_S, exp: NOW_S + 60, settings: { 'efm.log.level': { level: 'x' } } }],
  ])('refuses claims with %s', async (_, claims) => {
    const jws = await rawJws({ typ: 'efm-config+jwt' }, claims);
    expect(await reasonOf(verifyCentralDocument(jws, await options()))).toBe('malformed');
  });
});

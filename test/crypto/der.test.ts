import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmIdentifierDer, decodeOid, DER_NULL, encodeOid, encodeSmallInteger, parseAlgorithmIdentifier } from '../../src/crypto/der.js';
import { openssl, tempDir } from './fixtures.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => { dir = await tempDir(); });
afterAll(async () => { await dir.remove(); });

describe('OBJECT IDENTIFIER', () => {
  it('writes the bytes openssl writes, for short and multi-byte arcs', () => {
    for (const oid of ['1.2.840.113549.1.7.1', '2.16.840.1.101.3.4.1.42', '1.3.14.3.2.26', '2.5.29.14', '2.999.3']) {
      const out = join(dir.path, 'oid.der');
      openssl(['asn1parse', '-genstr', `OID:${oid}`, '-noout', '-out', out]);
      expect(encodeOid(oid).toString('hex'), oid).toBe(readFileSync(out).toString('hex'));
    }
  });

  it('reads back what it writes, arcs beyond 2^53 included', () => {
    const uuidArc = '2.25.329800735698586629295641978511506172918';
    for (const oid of ['1.2.840.113549.1.9.16.1.23', '0.9.2342.19200300.100.1.1', uuidArc]) expect(decodeOid(encodeOid(oid))).toBe(oid);
  });

  it('refuses malformed identifiers instead of guessing', () => {
    expect(() => encodeOid('1.40.3')).toThrow(RangeError);
    expect(() => encodeOid('3.1')).toThrow(RangeError);
    expect(() => encodeOid('1.2.x')).toThrow(RangeError);
    expect(() => decodeOid(Buffer.from([0x06, 0x02, 0x2a, 0x86]))).toThrow(RangeError);
    expect(() => decodeOid(Buffer.from([0x06, 0x02, 0x80, 0x01]))).toThrow(RangeError);
    expect(() => decodeOid(Buffer.from([0x04, 0x01, 0x2a]))).toThrow(RangeError);
  });
});

describe('AlgorithmIdentifier', () => {
  it('round-trips with and without parameters', () => {
    const withNull = algorithmIdentifierDer('1.2.840.113549.1.1.1', DER_NULL);
    expect(withNull.toString('hex')).toBe('300d06092a864886f70d0101010500');
    expect(parseAlgorithmIdentifier(withNull)).toEqual({ algorithm: '1.2.840.113549.1.1.1', parameters: DER_NULL });
    expect(parseAlgorithmIdentifier(algorithmIdentifierDer('2.16.840.1.101.3.4.2.1'))).toEqual({ algorithm: '2.16.840.1.101.3.4.2.1' });
  });

  it('refuses an identifier with extra fields or the wrong tag', () => {
    expect(() => parseAlgorithmIdentifier(Buffer.from('3100', 'hex'))).toThrow(RangeError);
    expect(() => parseAlgorithmIdentifier(Buffer.from('300806022a0305000500', 'hex'))).toThrow(RangeError);
  });
});

describe(encodeSmallInteger.name, () => {
  it('writes versions as one-byte INTEGERs and refuses what would need more', () => {
    expect(encodeSmallInteger(1).toString('hex')).toBe('020101');
    expect(() => encodeSmallInteger(128)).toThrow(RangeError);
  });
});

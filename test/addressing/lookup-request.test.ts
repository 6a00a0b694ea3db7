import { describe, expect, it } from 'vitest';
import { lookupCacheKey, lookupPath, type LookupRequest } from '../../src/addressing/lookup-request.js';

const base: LookupRequest = { identifier: '910075918', print: true, infoOnly: false };

describe(lookupPath.name, () => {
  it('asks for all records without a query when nothing else is given', () => {
    expect(lookupPath(base)).toBe('/identifier/910075918');
  });

  it('keeps the colons of the process and orders securityLevel before conversationId (addressing §9.2)', () => {
    expect(lookupPath({
      ...base,
      process: 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0',
      securityLevel: 3,
      conversationId: '37efbd4c-413d-4e2c-bbc5-000000000001',
    })).toBe('/identifier/910075918/process/urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0'
      + '?securityLevel=3&conversationId=37efbd4c-413d-4e2c-bbc5-000000000001');
  });

  it('sends only conversationId when there is no security level', () => {
    expect(lookupPath({ ...base, process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0', conversationId: 'c1' }))
      .toBe('/identifier/910075918/process/urn:no:difi:profile:avtalt:avtalt:ver1.0?conversationId=c1');
  });

  it('appends print=false last, and only when print lookups are off', () => {
    expect(lookupPath({ ...base, securityLevel: 4, conversationId: 'c1', print: false }))
      .toBe('/identifier/910075918?securityLevel=4&conversationId=c1&print=false');
  });

  it('asks /info with nothing appended for an info lookup', () => {
    expect(lookupPath({ ...base, identifier: 'her-id:42', infoOnly: true, securityLevel: 3, conversationId: 'c', print: false }))
      .toBe('/info/her-id:42');
  });

  it('escapes characters that would break the path or the query', () => {
    expect(lookupPath({ ...base, process: 'a b/c?d', conversationId: 'x&y=z' }))
      .toBe('/identifier/910075918/process/a%20b%2Fc%3Fd?conversationId=x%26y%3Dz');
  });
});

describe(lookupCacheKey.name, () => {
  it('ignores the conversationId', () => {
    expect(lookupCacheKey({ ...base, conversationId: 'a' })).toBe(lookupCacheKey({ ...base, conversationId: 'b' }));
  });

  it.each<[string, Partial<LookupRequest>]>([
    ['process', { process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }],
    ['securityLevel', { securityLevel: 3 }],
    ['print', { print: false }],
    ['infoOnly', { infoOnly: true }],
    ['identifier', { identifier: '910077473' }],
  ])('tells lookups apart by %s', (_name, change) => {
    expect(lookupCacheKey({ ...base, ...change })).not.toBe(lookupCacheKey(base));
  });
});

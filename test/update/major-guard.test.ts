import { describe, expect, it } from 'vitest';
import { checkApiMajor } from '../../src/update/major-guard.js';

describe('checkApiMajor', () => {
  it('lets a release of the same or a lower API major through', () => {
    expect(checkApiMajor({ candidateApiMajor: 2, currentApiMajor: 2 })).toEqual({ allowed: true });
    expect(checkApiMajor({ candidateApiMajor: 1, currentApiMajor: 2 })).toEqual({ allowed: true });
  });

  it('holds back a jump to a new API major unless the operator allowed it', () => {
    const held = checkApiMajor({ candidateApiMajor: 3, currentApiMajor: 2 });
    expect(held.allowed).toBe(false);
    expect(held.allowed ? '' : held.reason).toContain('efm.update.allowed-api-major=3');
    expect(checkApiMajor({ candidateApiMajor: 3, currentApiMajor: 2, allowedApiMajor: 3 })).toEqual({ allowed: true });
    expect(checkApiMajor({ candidateApiMajor: 4, currentApiMajor: 2, allowedApiMajor: 3 }).allowed).toBe(false);
  });

  it('lets a first install through, within the allowed major when one is set', () => {
    expect(checkApiMajor({ candidateApiMajor: 7 })).toEqual({ allowed: true });
    expect(checkApiMajor({ candidateApiMajor: 3, allowedApiMajor: 2 }).allowed).toBe(false);
  });
});

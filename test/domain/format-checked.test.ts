import { describe, expect, it } from 'vitest';
import { isFormatChecked } from '../../src/domain/file-rules.js';

describe(isFormatChecked.name, () => {
  it('leaves the primary document of a DPH message (the dialogmelding XML) to its own checks', () => {
    expect(isFormatChecked('DPH', true)).toBe(false);
  });

  it('checks DPH attachments, and every file of the other services', () => {
    expect(isFormatChecked('DPH', false)).toBe(true);
    for (const service of ['DPO', 'DPV', 'DPI', 'DPF', 'DPE'] as const) {
      expect(isFormatChecked(service, true)).toBe(true);
      expect(isFormatChecked(service, false)).toBe(true);
    }
  });
});

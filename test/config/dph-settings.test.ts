import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../src/config/entries.js';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/validate.js';

// The DPH settings (transports notes §5.6, api notes §6.2) under the reference's property names, as an
// existing integrasjonspunkt-local.properties writes them, and the reference's defaults.

const FILE = '/etc/efm/local.properties';
const BASE = { 'difi.move.org.number': '910077473', 'spring.security.user.name': 'u', 'spring.security.user.password': 'p' };

function entries(values: Record<string, ConfigEntry['value']>): Map<string, ConfigEntry> {
  return new Map(Object.entries(values).map(([key, value]) => [key, { value, source: FILE }]));
}

describe('efm.dph settings', () => {
  it('reads the reference\'s DPH properties, HER ids from an indexed list', () => {
    const { config, warnings } = validateConfig(entries({
      ...BASE,
      'difi.move.feature.enableDPH': 'true',
      'difi.move.dph.uri': 'http://127.0.0.1:4000/nhn-adapter/api',
      'difi.move.dph.her-ids[0]': '8143548',
      'difi.move.dph.her-ids[1]': '8144717',
      'difi.move.dph.pollingrate': '15000',
      'difi.move.dph.timeout.connect': '1000',
      'difi.move.dph.timeout.read': '5000',
      'difi.move.dph.upload-size-limit': '5MB',
      'difi.move.dph.receipt-process': 'urn:test:receipt',
      'difi.move.dph.oidc.scopes[0]': 'eformidling:dph',
      'difi.move.dph.oidc.scopes[1]': 'eformidling:extra',
    }));
    expect(warnings).toEqual([]);
    expect(config.dph).toMatchObject({
      enabled: true, uri: 'http://127.0.0.1:4000/nhn-adapter/api', herIds: ['8143548', '8144717'], pollInterval: 15000, connectTimeout: 1000,
      readTimeout: 5000, uploadSizeLimit: 5 * 1024 ** 2, receiptProcess: 'urn:test:receipt', oidc: { scopes: ['eformidling:dph', 'eformidling:extra'] },
    });
  });

  it('has the reference\'s defaults', () => {
    const { config } = validateConfig(entries(BASE));
    expect(config.dph).toEqual({
      enabled: false, defaultTtlHours: 24, uploadSizeLimit: 18 * 1024 ** 2, uri: 'https://test.eformidling.no/nhn-adapter/api', herIds: [],
      nhnProcess: 'urn:no:difi:profile:helse:helse:ver1.0', dialogmeldingDocumentType: 'urn:no:difi:helse:xsd:schema::dialogmelding',
      receiptProcess: 'urn:no:difi:profile:helse:response:ver1.0', receiptDocumentType: 'urn:no:difi:helse:xsd::dialogmelding_kvittering',
      pollInterval: 30000, connectTimeout: 3000, readTimeout: 30000, oidc: { scopes: ['eformidling:dph'] },
    });
  });

  it('refuses a HER id that is no positive whole number', () => {
    let error: unknown;
    try {
      validateConfig(entries({ ...BASE, 'difi.move.dph.her-ids': '8143548,her-id:12' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.objectContaining({ key: 'difi.move.dph.her-ids', value: 'her-id:12', code: 'EFM_CONFIG_INVALID_VALUE' })]);
  });
});

import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { sequenceIds } from '../../../src/ids/index.js';
import { createDpfTransport, FiksCredentialsEntryError } from '../../../src/transports/dpf/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { infoRecord, NOW, SENDER } from './support.js';

// The KS FIKS settings (api notes §6.2): the reference's keys and defaults, SvarInn following enableDPF,
// and the on-behalf-of users as <orgnr>=<username>:<password> items, a malformed one refused at start.

describe('KS FIKS settings', () => {
  it('reads the reference\'s difi.move.fiks keys and keeps its defaults', () => {
    const config = testConfig({
      'difi.move.feature.enableDPF': true,
      'difi.move.fiks.ut.username': 'foo',
      'difi.move.fiks.ut.password': 'bar',
      'difi.move.fiks.ut.endpointUrl': 'http://127.0.0.1:2999',
      'difi.move.fiks.inn.baseUrl': 'http://127.0.0.1:2999/tjenester/svarinn',
    }).fiks;

    expect(config.ut).toMatchObject({ username: 'foo', password: 'bar', endpointUrl: 'http://127.0.0.1:2999', kunDigitalLevering: false, ekskluderesFraPrint: [] });
    expect(config.ut.konteringsKode).toBeUndefined();
    expect(config.inn).toMatchObject({
      enabled: true,
      baseUrl: 'http://127.0.0.1:2999/tjenester/svarinn',
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      documentType: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      fallbackSenderOrgNr: '999999999',
      connectTimeout: 10_000,
      readTimeout: 30_000,
    });
    expect(config.kryptert).toBe(true);
  });

  it('leaves SvarInn off while DPF is, unless switched on by itself', () => {
    expect(testConfig().fiks.inn.enabled).toBe(false);
    expect(testConfig({ 'difi.move.fiks.inn.enable': true }).fiks.inn.enabled).toBe(true);
  });

  it('refuses to build the transport over an on-behalf-of item that is not <orgnr>=<username>:<password>, without echoing it', async () => {
    const key = await cucumberEntry(SENDER);
    const config = testConfig({ 'efm.fiks.ut.paa-vegne-av': ['987654325=user:secret', 'user-without-orgnr:secret'] });
    const build = () => createDpfTransport({
      config: { dpf: config.dpf, fiks: config.fiks }, orgnr: SENDER, ownKey: key, fiksKey: key, ids: sequenceIds(['x']),
      serviceRegistry: { info: (orgnr) => Promise.resolve(infoRecord(orgnr)) }, clock: fixedClock(NOW), workDir: '/nonexistent',
    });

    expect(build).toThrow(FiksCredentialsEntryError);
    expect(build).toThrow('efm.fiks.ut.paa-vegne-av[1] must be <orgnr>=<username>:<password>');
    expect(build).not.toThrow(/secret/);
  });
});

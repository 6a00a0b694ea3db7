import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { fiksCredentials } from '../../src/transports/dpf/credentials.js';
import { harnessProperties } from './harness-properties.js';

const CREDENTIALS = { EFM_ORG_NUMBER: '910077473', EFM_API_AUTH_USERNAME: 'u', EFM_API_AUTH_PASSWORD: 'p' };

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'efm-config-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('applies defaults, default.yml, the profile, the --config file and EFM_* in that order', () => {
    write('default.yml', 'efm:\n  log.level: warn\n  data-dir: /d1\n  server:\n    port: 1001\n  webhooks:\n    max-attempts: 2\n');
    write('staging.yml', 'efm.data-dir: /d2\nserver.port: 1002\nefm.webhooks.max-attempts: 3\n');
    const file = write('local.properties', 'server.port=1003\nefm.webhooks.maxAttempts=4\n');
    const { config } = loadConfig({ configDir: dir, profile: 'staging', configFile: file, env: { ...CREDENTIALS, EFM_WEBHOOKS_MAX_ATTEMPTS: '5' } });
    expect(config.messages.lockTimeoutMinutes).toBe(5);
    expect(config.log.level).toBe('warn');
    expect(config.dataDir).toBe('/d2');
    expect(config.server.port).toBe(1003);
    expect(config.webhooks.maxAttempts).toBe(5);
  });

  it('reads the reference\'s DPO reportees, a list of objects, as <orgId>=<name> items', () => {
    write('default.yml', '');
    const properties = write('reference.properties', [
      'difi.move.dpo.reportees[0].orgId=0192:910075924',
      'difi.move.dpo.reportees[0].name=910075924_integrasjonspunkt_systembruker_910075924',
      'difi.move.dpo.reportees[1].org-id=0192:974720760',
      'difi.move.dpo.reportees[1].name=second',
    ].join('\n'));
    expect(loadConfig({ configDir: dir, configFile: properties, env: CREDENTIALS }).config.dpo.reportees).toEqual([
      '0192:910075924=910075924_integrasjonspunkt_systembruker_910075924',
      '0192:974720760=second',
    ]);
    const yaml = write('reference.yml', 'difi:\n  move:\n    dpo:\n      reportees:\n        - orgId: "0192:910075924"\n          name: first\n');
    expect(loadConfig({ configDir: dir, configFile: yaml, env: CREDENTIALS }).config.dpo.reportees).toEqual(['0192:910075924=first']);
    const ours = write('ours.properties', 'efm.dpo.reportees[0]=0192:910075924=first\n');
    expect(loadConfig({ configDir: dir, configFile: ours, env: CREDENTIALS }).config.dpo.reportees).toEqual(['0192:910075924=first']);
  });

  it('refuses a reportee object without its name, and warns of a field no reportee has', () => {
    write('default.yml', '');
    const missing = write('missing.properties', 'difi.move.dpo.reportees[0].orgId=0192:910075924\n');
    expect(loadError(() => loadConfig({ configDir: dir, configFile: missing, env: CREDENTIALS })).problems.map((p) => [p.key, p.code])).toEqual([
      ['difi.move.dpo.reportees', 'EFM_CONFIG_INVALID_VALUE'],
    ]);
    const unknown = write('unknown.properties', 'difi.move.dpo.reportees[0].orgId=0192:910075924\ndifi.move.dpo.reportees[0].name=n\ndifi.move.dpo.reportees[0].password=x\n');
    const loaded = loadConfig({ configDir: dir, configFile: unknown, env: CREDENTIALS });
    expect(loaded.config.dpo.reportees).toEqual(['0192:910075924=n']);
    expect(loaded.warnings).toEqual([expect.stringMatching(/^difi\.move\.dpo\.reportees\[0\]\.password .*not supported/)]);
    const ours = write('ours.properties', 'efm.dpo.reportees[0].orgId=0192:910075924\nefm.dpo.reportees[0].name=n\nefm.dpo.reportees[0].secret=x\n');
    expect(loadError(() => loadConfig({ configDir: dir, configFile: ours, env: CREDENTIALS })).problems.map((p) => [p.key, p.code])).toEqual([
      ['efm.dpo.reportees[0].secret', 'EFM_CONFIG_UNKNOWN_KEY'],
    ]);
  });

  it('reads the reference\'s SvarUt and SvarInn users by orgnr (paa-vegne-av.<orgnr>.*) as <orgnr>=<user>:<password> items', () => {
    write('default.yml', '');
    const properties = write('reference.properties', [
      'difi.move.fiks.ut.paa-vegne-av.910075924.username=ut-user',
      'difi.move.fiks.ut.paa-vegne-av.910075924.password=ut:pass,word',
      'difi.move.fiks.ut.paaVegneAv.974720760.username=second',
      'difi.move.fiks.ut.paaVegneAv.974720760.password=pw2',
      'difi.move.fiks.inn.paa-vegne-av.910075924.username=inn-user',
      'difi.move.fiks.inn.paa-vegne-av.910075924.password=inn-pass',
    ].join('\n'));
    const { fiks } = loadConfig({ configDir: dir, configFile: properties, env: CREDENTIALS }).config;
    expect(fiks.ut.paaVegneAv).toEqual(['910075924=ut-user:ut:pass,word', '974720760=second:pw2']);
    expect(fiks.inn.paaVegneAv).toEqual(['910075924=inn-user:inn-pass']);
    const credentials = fiksCredentials({ ownOrgNumber: '910077473', onBehalfOf: fiks.ut.paaVegneAv, setting: 'efm.fiks.ut.paa-vegne-av' });
    expect(credentials.forOrganisation('910075924')).toEqual({ username: 'ut-user', password: 'ut:pass,word' });
    expect(credentials.forOrganisation('974720760')).toEqual({ username: 'second', password: 'pw2' });
  });

  it('reads a profile file only when that profile is asked for', () => {
    write('default.yml', '');
    write('production.yml', 'efm.dpe.enabled: true\n');
    expect(loadConfig({ configDir: dir, env: CREDENTIALS }).config.dpe.enabled).toBe(false);
    expect(loadConfig({ configDir: dir, profile: 'production', env: CREDENTIALS }).config.dpe.enabled).toBe(true);
  });

  it('reads a YAML --config file with nested keys, dotted keys, lists and reference names', () => {
    write('default.yml', '');
    const file = write('efm.yaml', [
      'difi:',
      '  move:',
      '    org.number: "910077473"',
      '    feature:',
      '      enableDPO: true',
      '      statusQueueIncludes: [DPO, DPE]',
      'spring.security.user: { name: u, password: p }',
      'efm:',
      '  uuid:',
      '    sequence:',
      '      - a',
      '      - b',
      '  org.keystore.path:',
    ].join('\n'));
    const { config, warnings } = loadConfig({ configDir: dir, configFile: file, env: {} });
    expect(warnings).toEqual([]);
    expect(config.org.number).toBe('910077473');
    expect(config.dpo.enabled).toBe(true);
    expect(config.messages.statusQueueIncludes).toEqual(['DPO', 'DPE']);
    expect(config.api.auth.username).toBe('u');
    expect(config.uuid.sequence).toEqual(['a', 'b']);
    expect(config.org.keystore.path).toBeUndefined();
  });

  it('reads list variables as comma-separated text', () => {
    write('default.yml', '');
    const { config } = loadConfig({ configDir: dir, env: { ...CREDENTIALS, EFM_VALIDATION_FORMATS_DPO: 'pdf,xml', PATH: '/bin' } });
    expect(config.validation.formats.dpo).toEqual(['pdf', 'xml']);
  });

  it('stops on an unknown EFM_ variable together with every other problem', () => {
    write('default.yml', '');
    const error = loadError(() => loadConfig({ configDir: dir, env: { ...CREDENTIALS, EFM_DATA_DRI: '/x', EFM_SERVER_PORT: 'x' } }));
    expect(error.problems.map((p) => [p.key, p.source, p.code])).toEqual([
      ['EFM_DATA_DRI', 'EFM_DATA_DRI env', 'EFM_CONFIG_UNKNOWN_KEY'],
      ['efm.server.port', 'EFM_SERVER_PORT env', 'EFM_CONFIG_INVALID_VALUE'],
    ]);
  });

  it('names a file that cannot be read or parsed', () => {
    write('default.yml', 'efm: [unclosed\n');
    const missing = join(dir, 'nope.properties');
    const error = loadError(() => loadConfig({ configDir: dir, configFile: missing, env: CREDENTIALS }));
    expect(error.problems.map((p) => [p.source, p.code])).toEqual([
      [join(dir, 'default.yml'), 'EFM_CONFIG_UNREADABLE'],
      [missing, 'EFM_CONFIG_UNREADABLE'],
    ]);
  });

  it('loads the conformance harness properties with warnings only for what it does not support', () => {
    const file = write('scenario.properties', harnessProperties({ port: 4242, dataDir: '/tmp/efm-data', keystorePath: '/fixtures/cucumber.p12', clock: '2019-03-25T11:38:23Z' }));
    const { config, warnings } = loadConfig({ configFile: file, env: {} });
    expect(config.org.number).toBe('910077473');
    expect(config.api.auth).toEqual({ enabled: true, username: 'testuser', password: 'testpassword' });
    expect(config.server.port).toBe(4242);
    expect(config.dataDir).toBe('/tmp/efm-data');
    expect(config.clock.fixed).toBe('2019-03-25T11:38:23.000Z');
    expect(config.uuid.sequence).toEqual(['19efbd4c-413d-4e2c-bbc5-257ef4a65b38', 'ac5efbd4c-413d-4e2c-bbc5-257ef4a65b23']);
    expect(config.scheduling.enabled).toBe(false);
    expect(config.org.keystore).toEqual({ path: '/fixtures/cucumber.p12', alias: '910077473', password: 'changeit', type: 'PKCS12' });
    expect(config.serviceRegistry.url).toBe('http://127.0.0.1:9099');
    expect(config.serviceRegistry.sign).toEqual({ enabled: false, jwkUrl: 'http://127.0.0.1:9099/jwk' });
    expect(config.maskinporten.enabled).toBe(false);
    expect(config.messages.receiptsEnabled).toBe(false);
    expect([config.dpo, config.dpv, config.dpi, config.dpf, config.dpe, config.dph].map((s) => s.enabled)).toEqual([true, true, true, true, true, false]);
    expect(warnings.some((w) => w.startsWith('difi.move.feature.enableQueue '))).toBe(true);
    expect(warnings.some((w) => w.startsWith('difi.move.dpi.endpoint '))).toBe(true);
    expect(warnings.every((w) => !w.includes('conformance-sas-key') && !w.includes('changeit'))).toBe(true);
    expect(new Set(warnings).size).toBe(warnings.length);
  });

  it('keeps the reference defaults for a properties file given without a profile', () => {
    const file = write('local.properties', 'difi.move.org.number=910077473\ndifi.security.user.name=u\ndifi.security.user.password=p\n');
    const { config, warnings } = loadConfig({ configFile: file, env: {} });
    expect(warnings).toEqual([]);
    expect(config.serviceRegistry.url).toBe('https://test.eformidling.no/adressetjeneste');
    expect(config.maskinporten.url).toBe('https://test.maskinporten.no/token');
    expect(config.arkivmelding.generateReceipts).toBe(true);
    expect(config.dpe.enabled).toBe(false);
  });
});

describe('config/*.yml', () => {
  const emptyDefaults = () => {
    write('default.yml', '');
    return loadConfig({ configDir: dir, env: CREDENTIALS }).config;
  };

  it('default.yml changes no built-in default', () => {
    const { config, warnings } = loadConfig({ env: CREDENTIALS });
    expect(warnings).toEqual([]);
    expect(config).toEqual(emptyDefaults());
  });

  it('sandbox runs a demo organisation with DPO and its own API user', () => {
    const { config, warnings } = loadConfig({ profile: 'sandbox', env: {} });
    expect(warnings).toEqual([]);
    expect(config.org.number).toBe('910077473');
    expect(config.dpo.enabled).toBe(true);
    expect(config.serviceRegistry.sign.enabled).toBe(true);
    expect(config.validation.strict).toBe(false);
    expect(config.api.auth).toEqual({ enabled: true, username: 'efm', password: 'efm-sandbox' });
    expect(config.dataDir).toBe('./data/sandbox');
  });

  it('staging points at the test environment with its test-only switches', () => {
    const { config, warnings } = loadConfig({ profile: 'staging', env: CREDENTIALS });
    expect(warnings).toEqual([]);
    expect(config.serviceRegistry.url).toBe('https://test.eformidling.no/adressetjeneste');
    expect(config.serviceRegistry.betaFeatures).toBe(true);
    expect(config.identifiers.syntheticAllowed).toBe(true);
    expect(config.arkivmelding.generateReceipts).toBe(false);
    expect(config.maskinporten.url).toBe('https://test.maskinporten.no/token');
  });

  it('production points at the production environment and enables DPE', () => {
    const { config, warnings } = loadConfig({ profile: 'production', env: CREDENTIALS });
    expect(warnings).toEqual([]);
    expect(config.serviceRegistry.url).toBe('https://eformidling.no/adressetjeneste');
    expect(config.serviceRegistry.sign.jwkUrl).toBe('https://eformidling.no/adressetjeneste/jwk');
    expect(config.maskinporten).toMatchObject({ url: 'https://maskinporten.no/token', audience: 'https://maskinporten.no/' });
    expect(config.serviceRegistry.betaFeatures).toBe(false);
    expect(config.identifiers.syntheticAllowed).toBe(false);
    expect(config.arkivmelding.generateReceipts).toBe(false);
    expect(config.dpe.enabled).toBe(true);
  });
});

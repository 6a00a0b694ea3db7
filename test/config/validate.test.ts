import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../src/config/entries.js';
import { mergeSources } from '../../src/config/entries.js';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/validate.js';

const FILE = '/etc/efm/local.properties';
const BASE = { 'difi.move.org.number': '910077473', 'spring.security.user.name': 'u', 'spring.security.user.password': 'p' };

function entries(values: Record<string, ConfigEntry['value']>, source = FILE): Map<string, ConfigEntry> {
  return new Map(Object.entries(values).map(([key, value]) => [key, { value, source }]));
}

function problemsOf(values: Record<string, ConfigEntry['value']>) {
  try {
    validateConfig(entries(values));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(validateConfig.name, () => {
  it('reads reference keys into the typed config, resolving default placeholders', () => {
    const { config, warnings } = validateConfig(entries({ ...BASE, 'difi.move.serviceregistryEndpoint': 'http://127.0.0.1:9099' }));
    expect(warnings).toEqual([]);
    expect(config.org.number).toBe('910077473');
    expect(config.org.keystore.alias).toBe('910077473');
    expect(config.api.auth).toEqual({ enabled: true, username: 'u', password: 'p' });
    expect(config.manage).toEqual({ username: 'u', password: 'p' });
    expect(config.serviceRegistry.sign.jwkUrl).toBe('http://127.0.0.1:9099/jwk');
    expect(config.maskinporten.clientId).toBe('MOVE_IP_910077473');
    expect(config.dpv.uploadSizeLimit).toBe(250 * 1024 ** 2);
  });

  it('lets a per-service TTL follow the general one unless it is set', () => {
    const { config } = validateConfig(entries({ ...BASE, 'difi.move.nextmove.default-ttl-hours': '48', 'difi.move.dpi.default-ttl-hours': '2' }));
    expect(config.dpo.defaultTtlHours).toBe(48);
    expect(config.dpe.defaultTtlHours).toBe(48);
    expect(config.dpi.defaultTtlHours).toBe(2);
  });

  it('matches keys relaxed: case, dashes and underscores do not matter', () => {
    const { config, warnings } = validateConfig(entries({
      ...BASE,
      'DIFI.MOVE.FEATURE.ENABLE_DPO': 'true',
      'difi.move.nextmove.serviceBus.upload-size-limit': '3MB',
      'efm.dataDir': '/var/lib/efm',
    }));
    expect(warnings).toEqual([]);
    expect(config.dpo.enabled).toBe(true);
    expect(config.dpe.uploadSizeLimit).toBe(3 * 1024 ** 2);
    expect(config.dataDir).toBe('/var/lib/efm');
  });

  it('reads lists from indexed keys, arrays and comma-separated text', () => {
    const { config } = validateConfig(entries({
      ...BASE,
      'efm.uuid.sequence[1]': 'second',
      'efm.uuid.sequence[0]': 'first',
      'difi.move.feature.statusQueueIncludes': 'dpo, DPV',
      'efm.validation.formats.dpo': ['pdf', 'xml'],
    }));
    expect(config.uuid.sequence).toEqual(['first', 'second']);
    expect(config.messages.statusQueueIncludes).toEqual(['DPO', 'DPV']);
    expect(config.validation.formats.dpo).toEqual(['pdf', 'xml']);
  });

  it('lets the later of an alias and the canonical key win', () => {
    expect(validateConfig(entries({ ...BASE, 'server.port': '1', 'efm.server.port': '2' })).config.server.port).toBe(2);
    expect(validateConfig(entries({ ...BASE, 'efm.server.port': '2', 'server.port': '1' })).config.server.port).toBe(1);
  });

  it('resolves a placeholder through an unsupported key, as the harness writes them', () => {
    const { config, warnings } = validateConfig(entries({
      ...BASE,
      'difi.move.org.keystore.alias': 'orgalias',
      'difi.move.dpi.client-type': '${difi.move.org.keystore.alias}',
      'difi.move.oidc.keystore.alias': '${difi.move.dpi.client-type}',
    }));
    expect(config.maskinporten.keystore.alias).toBe('orgalias');
    expect(warnings).toEqual([`difi.move.dpi.client-type (${FILE}): reference setting not supported (yet); ignored`]);
  });

  it('stops on an unknown efm key and suggests the likely one', () => {
    const error = problemsOf({ ...BASE, 'efm.data-dri': '/x' });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'efm.data-dri', source: FILE, code: 'EFM_CONFIG_UNKNOWN_KEY' })]);
    expect(error.message).toContain('did you mean efm.data-dir?');
  });

  it('warns once, by name, about an unsupported reference key and about foreign keys', () => {
    const { warnings } = validateConfig(entries({
      ...BASE,
      'difi.move.dpo.system-register-url': 'https://platform.tt02.altinn.no/authentication/api/v1',
      'difi.move.dpo.systemRegisterUrl': 'https://platform.tt02.altinn.no/authentication/api/v1',
      'management.endpoints.web.base-path': '/x',
      'eureka.client.enabled': 'false',
    }));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^difi\.move\.dpo\.systemRegisterUrl \(.*\): reference setting not supported/);
    expect(warnings[1]).toMatch(/^management\.endpoints\.web\.base-path /);
    expect(warnings[2]).toMatch(/^eureka\.client\.enabled \(.*\): unknown setting; ignored/);
  });

  it('reports every invalid value at once, naming key, value and source', () => {
    const error = problemsOf({ ...BASE, 'server.port': 'http', 'difi.move.dpo.upload-size-limit': 'huge', 'efm.log.level': 'loud' });
    expect(error.code).toBe('EFM_CONFIG_INVALID');
    expect(error.problems.map((p) => [p.key, p.value, p.source])).toEqual([
      ['server.port', 'http', FILE],
      ['efm.log.level', 'loud', FILE],
      ['difi.move.dpo.upload-size-limit', 'huge', FILE],
    ]);
    expect(error.message).toContain('server.port (/etc/efm/local.properties): must be a whole number [value: "http"]');
  });

  it('requires the organisation number without repeating it for keys that derive from it', () => {
    const error = problemsOf({ 'spring.security.user.name': 'u', 'spring.security.user.password': 'p' });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'efm.org.number', source: 'default', code: 'EFM_CONFIG_REQUIRED' })]);
    expect(error.problems[0]?.message).toContain('difi.move.org.number');
    expect(error.problems[0]?.message).toContain('EFM_ORG_NUMBER');
  });

  it('refuses a malformed organisation number and a too long message channel', () => {
    const error = problemsOf({ ...BASE, 'difi.move.org.number': '12345', 'difi.move.dpo.message-channel': 'x'.repeat(26) });
    expect(error.problems.map((p) => p.key)).toEqual(['difi.move.org.number', 'difi.move.dpo.message-channel']);
  });

  it('wants a password when auth is on, and says how to set one', () => {
    const error = problemsOf({ 'difi.move.org.number': '910077473', 'spring.security.user.name': 'u' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ key: 'efm.api.auth.password', code: 'EFM_CONFIG_REQUIRED' });
    expect(error.problems[0]?.message).toMatch(/EFM_API_AUTH_PASSWORD.*spring\.security\.user\.password.*efm\.api\.auth\.enabled=false/);
  });

  it('needs no credentials when auth is off', () => {
    const { config } = validateConfig(entries({ 'difi.move.org.number': '910077473', 'difi.security.enable': 'false' }));
    expect(config.api.auth.enabled).toBe(false);
    expect(config.api.auth.password).toBeUndefined();
    expect(config.manage.password).toBeUndefined();
  });

  it('refuses the postgres store for now', () => {
    const error = problemsOf({ ...BASE, 'efm.store.type': 'postgres' });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'efm.store.type', message: expect.stringMatching(/not supported yet/) })]);
  });

  it('wants the password of a configured PKCS12 keystore', () => {
    const error = problemsOf({ ...BASE, 'difi.move.org.keystore.path': '/k.p12' });
    expect(error.problems.map((p) => p.key)).toEqual(['efm.org.keystore.password']);
    expect(validateConfig(entries({ ...BASE, 'difi.move.org.keystore.path': '/k.pem', 'difi.move.org.keystore.type': 'pem' })).config.org.keystore.type).toBe('PEM');
  });

  it('treats an empty optional value as unset', () => {
    const { config } = validateConfig(entries({ ...BASE, 'difi.move.org.keystore.path': '', 'efm.clock.fixed': ' ' }));
    expect(config.org.keystore.path).toBeUndefined();
    expect(config.maskinporten.keystore.path).toBeUndefined();
    expect(config.clock.fixed).toBeUndefined();
  });

  it('never echoes a secret, not even one that reached another key through a placeholder', () => {
    const secret = 'S3cr3t-value';
    const error = problemsOf({
      ...BASE,
      'spring.security.user.password': `${secret}\${unclosed`,
      'difi.move.org.keystore.password': secret,
      'server.port': '${difi.move.org.keystore.password}',
      'difi.move.fiks.ut.password': secret,
      'efm.webhooks.max-attempts': '${difi.move.fiks.ut.password}',
      'efm.api.pasword': secret,
    });
    expect(error.problems.map((p) => p.key).sort()).toEqual(['efm.api.pasword', 'efm.webhooks.max-attempts', 'server.port', 'spring.security.user.password']);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
    expect(error.message).not.toContain(secret);
    expect(error.problems.find((p) => p.key === 'server.port')?.value).toBe('(hidden)');
  });

  it('reports a placeholder cycle on the keys that take part', () => {
    const error = problemsOf({ ...BASE, 'efm.data-dir': '${efm.log.level}', 'efm.log.level': '${efm.dataDir}' });
    expect(error.problems.map((p) => p.key)).toEqual(['efm.data-dir', 'efm.log.level']);
    expect(error.problems[0]?.message).toMatch(/placeholder cycle: efm\.data-dir → efm\.log\.level → efm\.data-dir/);
  });

  it('reports a failed placeholder once, at the key whose value fails, or at its user when that key is unsupported', () => {
    const error = problemsOf({
      ...BASE,
      'efm.data-dir': '${efm.log.level}',
      'efm.log.level': '${nowhere}',
      'difi.move.dpi.client-type': '${elsewhere}',
      'difi.move.oidc.keystore.alias': '${difi.move.dpi.client-type}',
    });
    expect(error.problems.map((p) => [p.key, p.message])).toEqual([
      ['efm.log.level', '${nowhere} names a key that has no value'],
      ['difi.move.oidc.keystore.alias', '${elsewhere} names a key that has no value (in difi.move.dpi.client-type)'],
    ]);
  });

  it('returns a deep-frozen config', () => {
    const { config } = validateConfig(entries(BASE));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.api.auth)).toBe(true);
    expect(Object.isFrozen(config.messages.statusServices)).toBe(true);
    expect(() => { (config.server as { port: number }).port = 1; }).toThrow(TypeError);
  });
});

describe(mergeSources.name, () => {
  it('lets a later source win under any spelling and replaces a list as a whole', () => {
    const merged = mergeSources([
      entries({ 'server.port': '1', 'efm.uuid.sequence[0]': 'a', 'efm.uuid.sequence[1]': 'b' }, 'one'),
      entries({ 'efm.server.port': '2', 'efm.uuid.sequence[0]': 'c' }, 'two'),
      entries({ 'SERVER.PORT': '3' }, 'three'),
    ]);
    expect([...merged]).toEqual([
      ['efm.uuid.sequence', { value: ['c'], source: 'two' }],
      ['SERVER.PORT', { value: '3', source: 'three' }],
    ]);
  });
});

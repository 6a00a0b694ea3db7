import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { testConfig } from '../../src/config/testing.js';

describe(testConfig.name, () => {
  it('builds a valid config over the defaults with a test organisation and API user', () => {
    const config = testConfig();
    expect(config.org.number).toBe('910077473');
    expect(config.api.auth.username).toBe('testuser');
    expect(config.server.port).toBe(9093);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes overrides by canonical key or reference alias, with numbers, booleans and arrays', () => {
    const config = testConfig({
      'difi.move.feature.enableDPO': true,
      'efm.server.port': 0,
      'efm.uuid.sequence': ['a', 'b'],
      'difi.move.dpo.upload-size-limit': '1MB',
    });
    expect(config.dpo.enabled).toBe(true);
    expect(config.server.port).toBe(0);
    expect(config.uuid.sequence).toEqual(['a', 'b']);
    expect(config.dpo.uploadSizeLimit).toBe(1024 * 1024);
  });

  it('removes a base value given as undefined, so a test can prove a missing setting', () => {
    expect(() => testConfig({ 'efm.org.number': undefined })).toThrow(ConfigError);
    expect(testConfig({ 'efm.api.auth.enabled': false, 'efm.api.auth.password': undefined }).api.auth.password).toBeUndefined();
  });

  it('refuses keys that would only be warned about, and values of other types', () => {
    expect(() => testConfig({ 'difi.move.dpo.systemRegisterUrl': 'x' })).toThrow(/difi\.move\.dpo\.systemRegisterUrl/);
    expect(() => testConfig({ 'efm.server.port': { port: 1 } })).toThrow(TypeError);
  });
});

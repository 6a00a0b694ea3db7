import { describe, expect, it } from 'vitest';
import { describeSettings, findSetting, findSettingByEnv, identityOf, normalizeKey, SETTINGS, suggestSetting } from '../../src/config/settings.js';

describe('SETTINGS', () => {
  it('derives canonical keys and variable names from the schema path', () => {
    const dataDir = SETTINGS.find((s) => s.path.join('.') === 'dataDir');
    expect(dataDir?.key).toBe('efm.data-dir');
    expect(dataDir?.env).toBe('EFM_DATA_DIR');
    const jwk = SETTINGS.find((s) => s.path.join('.') === 'serviceRegistry.sign.jwkUrl');
    expect(jwk?.key).toBe('efm.service-registry.sign.jwk-url');
    expect(jwk?.env).toBe('EFM_SERVICE_REGISTRY_SIGN_JWK_URL');
  });

  it('gives every setting a description and distinct names', () => {
    const names = SETTINGS.flatMap((s) => [s.key, ...s.field.aliases].map(normalizeKey));
    expect(new Set(names).size).toBe(names.length);
    for (const s of SETTINGS) expect(s.field.description.length).toBeGreaterThan(3);
  });
});

describe(findSetting.name, () => {
  it('finds a setting by alias in any relaxed spelling', () => {
    expect(findSetting('difi.move.org.number')?.key).toBe('efm.org.number');
    expect(findSetting('DIFI.MOVE.ORG.NUMBER')?.key).toBe('efm.org.number');
    expect(findSetting('difi.move.nextmove.service_bus.upload-size-limit')?.key).toBe('efm.dpe.upload-size-limit');
    expect(findSetting('difi.move.nextmove.serviceBus.uploadSizeLimit')?.key).toBe('efm.dpe.upload-size-limit');
    expect(findSetting('efm.dataDir')?.key).toBe('efm.data-dir');
    expect(findSetting('server.port')?.key).toBe('efm.server.port');
    expect(findSetting('difi.move.dpo.system-user.org-id')?.key).toBe('efm.dpo.system-user.org-id');
    expect(findSetting('difi.move.dpo.system-register-url')).toBeUndefined();
  });

  it('treats the two spellings of one reference key as one key', () => {
    expect(normalizeKey('difi.move.dpo.system-user.org-id')).toBe(normalizeKey('difi.move.dpo.systemUser.orgId'));
    expect(identityOf('difi.move.dpo.system-user.org-id')).toBe(identityOf('difi.move.dpo.systemUser.orgId'));
  });
});

describe(findSettingByEnv.name, () => {
  it('finds a setting by its EFM_ variable only', () => {
    expect(findSettingByEnv('EFM_ORG_NUMBER')?.key).toBe('efm.org.number');
    expect(findSettingByEnv('EFM_DPO_UPLOAD_SIZE_LIMIT')?.key).toBe('efm.dpo.upload-size-limit');
    expect(findSettingByEnv('DIFI_MOVE_ORG_NUMBER')).toBeUndefined();
  });
});

describe(suggestSetting.name, () => {
  it('suggests the closest key for a typo and nothing for a stranger', () => {
    expect(suggestSetting('efm.data-dri')).toBe('efm.data-dir');
    expect(suggestSetting('efm.something.else.entirely')).toBeUndefined();
  });
});

describe(describeSettings.name, () => {
  it('lists each setting with its aliases, variable and default text', () => {
    const all = describeSettings();
    expect(all).toHaveLength(SETTINGS.length);
    const port = all.find((s) => s.key === 'efm.server.port');
    expect(port).toMatchObject({ aliases: ['server.port'], env: 'EFM_SERVER_PORT', default: '9093', type: 'integer' });
    const formats = all.find((s) => s.key === 'efm.validation.formats.dph');
    expect(formats?.default).toBe('pdf,png,jpeg');
    expect(all.find((s) => s.key === 'efm.org.number')?.default).toBeUndefined();
  });
});

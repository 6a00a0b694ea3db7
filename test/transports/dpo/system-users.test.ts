import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { createSystemUsers, NoSystemUserError, systemUserClaim } from '../../../src/transports/dpo/index.js';

describe(createSystemUsers.name, () => {
  it('defaults to the reference system user of the own organisation', () => {
    const { dpo } = testConfig();
    expect(dpo.systemUser).toEqual({ orgId: '0192:910077473', name: '910077473_integrasjonspunkt_systembruker_910077473' });
    expect(dpo).toMatchObject({
      brokerserviceUrl: 'https://platform.tt02.altinn.no/broker/api/v1',
      altinnTokenExchangeUrl: 'https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten',
      resource: 'eformidling-dpo-meldingsutveksling',
      connectTimeout: 3000,
      requestTimeout: 30000,
    });
  });

  it('reads the reference property names, and reportees as <orgId>=<name>', () => {
    const { dpo } = testConfig({
      'difi.move.dpo.system-user.org-id': '0192:910077473',
      'difi.move.dpo.system-user.name': 'own',
      'efm.dpo.reportees': ['0192:910075924=part one'],
    });
    const users = createSystemUsers(dpo);
    expect(users.all).toEqual([{ orgId: '0192:910077473', name: 'own' }, { orgId: '0192:910075924', name: 'part one' }]);
    expect(users.forOrganisation('910075924')).toEqual({ orgId: '0192:910075924', name: 'part one' });
    expect(() => users.forOrganisation('974720760')).toThrow(NoSystemUserError);
  });

  it('refuses a reportee that is not <orgId>=<name>, and a system user org that is not <icd>:<orgnr>', () => {
    expect(problemKeys({ 'efm.dpo.reportees': ['910075924'] })).toEqual(['efm.dpo.reportees']);
    expect(problemKeys({ 'difi.move.dpo.system-user.org-id': '910077473' })).toEqual(['difi.move.dpo.system-user.org-id']);
  });

  it('reports a bad organisation number once, not again in the system user org made from it', () => {
    expect(problemKeys({ 'efm.org.number': '12345' })).toEqual(['efm.org.number']);
  });

  it('builds the authorization_details claim of transports notes §3.1', () => {
    expect(systemUserClaim({ orgId: '0192:910077473', name: 'n' })).toEqual([
      { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:910077473' }, externalRef: 'n' },
    ]);
  });
});

function problemKeys(overrides: Record<string, unknown>): string[] {
  try {
    testConfig(overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.key);
    throw error;
  }
  return [];
}

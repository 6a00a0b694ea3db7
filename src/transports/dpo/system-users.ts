import { NoSystemUserError } from './errors.js';

// The Altinn system users DPO acts as (transports notes §3.1, §5.1): the organisation's own, plus one per
// organisation it sends on behalf of (`reportees`). A message goes out as the system user of its sender,
// and incoming files are polled once per system user.

export interface SystemUser {
  /** `0192:<orgnr>`. */
  orgId: string;
  /** The system user's name, sent as `externalRef`. */
  name: string;
}

export interface SystemUserSettings {
  systemUser: SystemUser;
  /** `<orgId>=<name>` items (efm.dpo.reportees); the config validator has checked their form. */
  reportees: readonly string[];
}

export interface SystemUsers {
  readonly all: readonly SystemUser[];
  /** The system user of an organisation number; NoSystemUserError when none is configured. */
  forOrganisation(orgnr: string): SystemUser;
}

export function createSystemUsers(settings: SystemUserSettings): SystemUsers {
  const all = [settings.systemUser, ...settings.reportees.map(parseReportee)];
  return {
    all,
    forOrganisation(orgnr) {
      const user = all.find((u) => orgnrOf(u.orgId) === orgnr);
      if (user === undefined) throw new NoSystemUserError(orgnr);
      return user;
    },
  };
}

/** The Maskinporten `authorization_details` claim that asks for a system user's token (§3.1). */
export function systemUserClaim(user: SystemUser): Record<string, unknown>[] {
  return [{
    type: 'urn:altinn:systemuser',
    systemuser_org: { authority: 'iso6523-actorid-upis', ID: user.orgId },
    externalRef: user.name,
  }];
}

function parseReportee(item: string): SystemUser {
  const at = item.indexOf('=');
  return { orgId: item.slice(0, at).trim(), name: item.slice(at + 1).trim() };
}

function orgnrOf(orgId: string): string {
  return orgId.slice(orgId.indexOf(':') + 1);
}

import { FiksCredentialsEntryError } from './errors.js';

// SvarUt and SvarInn take HTTP basic auth per organisation (transports notes §5.4): the own one's user
// from `efm.fiks.{ut,inn}.username`/`password`, and one user per organisation sent or received on behalf
// of (api notes §3.3, the reference's `difi.move.fiks.ut.paa-vegne-av.<orgnr>.*`).

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface FiksCredentials {
  /** The organisation's user; undefined when none is configured. */
  forOrganisation(orgnr: string): BasicCredentials | undefined;
  /** Every organisation that has a user, the own one first. */
  readonly organisations: readonly string[];
}

export interface FiksCredentialSettings {
  ownOrgNumber: string;
  username?: string;
  password?: string;
  /** `<orgnr>=<username>:<password>` items. */
  onBehalfOf: readonly string[];
  /** The setting the items come from, named in the error about a bad one. */
  setting: string;
}

const ENTRY = /^(\d{9})=([^:]+):(.*)$/s;

/** Throws FiksCredentialsEntryError (without echoing the item) when an on-behalf-of item is malformed. */
export function fiksCredentials(settings: FiksCredentialSettings): FiksCredentials {
  const users = new Map<string, BasicCredentials>();
  if (settings.username !== undefined && settings.username !== '') {
    users.set(settings.ownOrgNumber, { username: settings.username, password: settings.password ?? '' });
  }
  settings.onBehalfOf.forEach((item, position) => {
    const match = ENTRY.exec(item.trim());
    if (match === null) throw new FiksCredentialsEntryError(settings.setting, position);
    const [, orgnr = '', username = '', password = ''] = match;
    users.set(orgnr, { username, password });
  });
  return {
    forOrganisation: (orgnr) => users.get(orgnr),
    organisations: [...users.keys()],
  };
}

export function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

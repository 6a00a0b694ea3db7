import { createMaskinportenClient, type MaskinportenClient, type MaskinportenClientOptions } from '../../addressing/index.js';

// Maskinporten tokens for the nhn-adapter (transports notes §5.6 "Identity"): scope `eformidling:dph`
// and `consumer_org` set to the organisation that owns the HER id the call is made for; the adapter lets
// a token act only for HER ids of that organisation. So one client per organisation, each caching its
// token until shortly before it expires (the reference caches for 90 s).

export interface DphTokens {
  forOrganisation(orgnr: string): Promise<string>;
}

export type DphTokenOptions = Omit<MaskinportenClientOptions, 'consumerOrg'>;

export function createDphTokens(options: DphTokenOptions): DphTokens {
  const clients = new Map<string, MaskinportenClient>();
  return {
    forOrganisation(orgnr) {
      let client = clients.get(orgnr);
      if (client === undefined) {
        client = createMaskinportenClient({ ...options, consumerOrg: orgnr });
        clients.set(orgnr, client);
      }
      return client.accessToken();
    },
  };
}

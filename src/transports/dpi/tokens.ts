import { createMaskinportenClient, type MaskinportenClient, type MaskinportenClientOptions } from '../../addressing/index.js';

// Maskinporten tokens for corner 2 (transports notes §3.1, §5.3): sending asks with `consumer_org` set to
// the organisation the letter is from (the on-behalf-of organisation when there is one), so one client per
// organisation; statuses and receipts use a token without it. Each client caches its token until shortly
// before it expires.

export interface DpiTokens {
  forSending(consumerOrg: string): Promise<string>;
  forReceiving(): Promise<string>;
}

export type DpiTokenOptions = Omit<MaskinportenClientOptions, 'consumerOrg'>;

export function createDpiTokens(options: DpiTokenOptions): DpiTokens {
  const senders = new Map<string, MaskinportenClient>();
  const receiving = createMaskinportenClient(options);
  return {
    forSending(consumerOrg) {
      let client = senders.get(consumerOrg);
      if (client === undefined) {
        client = createMaskinportenClient({ ...options, consumerOrg });
        senders.set(consumerOrg, client);
      }
      return client.accessToken();
    },
    forReceiving: () => receiving.accessToken(),
  };
}

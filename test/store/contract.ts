import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { conversationContract } from './contract/conversations.js';
import { fileContract } from './contract/files.js';
import { messageContract } from './contract/messages.js';
import { outboxContract } from './contract/outbox.js';
import { statusContract } from './contract/statuses.js';
import { subscriptionContract } from './contract/subscriptions.js';
import { webhookContract } from './contract/webhooks.js';

// The Store port's contract, run against every adapter (sqlite now, postgres later). It uses only the
// port: nothing here may know which database is underneath.

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
}

/** Gives each test its own empty store. */
export interface StoreHarness {
  readonly store: Store;
}

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract (${name})`, () => {
    let current: StoreUnderTest | undefined;
    const harness: StoreHarness = {
      get store() {
        if (!current) throw new Error('no store: used outside a test');
        return current.store;
      },
    };
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    messageContract(harness);
    fileContract(harness);
    conversationContract(harness);
    statusContract(harness);
    subscriptionContract(harness);
    webhookContract(harness);
    outboxContract(harness);
  });
}

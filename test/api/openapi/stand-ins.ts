import type { CapabilityLookup } from '../../../src/messages/capabilities.js';
import type { Validation } from '../../../src/api/v2/validation.js';

// Collaborators for building the real routers when only their routes matter. Routers hold on to these
// while they register handlers and must not touch them; every use throws, so a router that starts
// calling its collaborators at construction shows up here instead of being hidden by a fake answer.
function used(what: string): never {
  throw new Error(`${what} was used while the routes were only being registered`);
}

/**
 * For the message services, whose private members no object literal can match, and the Store, whose
 * port has dozens of methods: a proxy that throws on any member read. The one type assertion is safe
 * because no member is ever read successfully.
 */
export function unusable<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_target, member) => used(`${name}.${String(member)}`) });
}

export const capabilityLookup: CapabilityLookup = { lookup: () => used('capabilities.lookup') };
export const validation: Validation = { validate: () => used('validation.validate') };

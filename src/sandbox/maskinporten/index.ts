// The sandbox's Maskinporten token endpoint.
export {
  startFakeMaskinporten, type FakeMaskinporten, type FakeMaskinportenOptions, type MaskinportenGrant, type MaskinportenOrganisation,
} from './fake-maskinporten.js';

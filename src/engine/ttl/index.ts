// The TTL job: unfinished conversations past their expiry get LEVETID_UTLOPT.
export { TTL_CHECK_JOB, ttlCheckJob, type TtlCheckOptions } from './ttl-check.js';

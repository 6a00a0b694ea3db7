export { JobRegistry, JobSetupError, type Job } from './registry.js';

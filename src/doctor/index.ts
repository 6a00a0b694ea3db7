// Public surface of `efm doctor`. The CLI calls runDoctor with a loader that loads the configuration as
// `efm start` does, prints formatDoctorReport(report, { json }), and exits non-zero unless report.ok.
export { runDoctor, DOCTOR_DEFAULTS } from './doctor.js';
export type { DoctorOptions, DoctorReport } from './doctor.js';
export type { DoctorCheck, CheckStatus } from './check.js';
export type { Endpoint } from './endpoint-check.js';
export type { ConfigLoader } from './config-check.js';
export { formatDoctorReport } from './print.js';

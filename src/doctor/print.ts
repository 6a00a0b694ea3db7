// Output of `efm doctor`: one line per check (the fix on the same line when there is one) and a
// summary, or with --json one object for machines.
import type { CheckStatus } from './check.js';
import type { DoctorReport } from './doctor.js';

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function formatDoctorReport(report: DoctorReport, options: { json?: boolean } = {}): string {
  if (options.json) return JSON.stringify(report, null, 2);
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => `${LABEL[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${c.fix === undefined || c.status === 'ok' ? '' : ` — fix: ${c.fix}`}`);
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  lines.push(`${report.ok ? 'healthy' : 'problems found'}: ${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}

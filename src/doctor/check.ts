// One check of `efm doctor`: what was looked at, what was found and, when it is not fine, what to do.
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  /** False only for `fail`; a warning or a skipped check does not fail the run. */
  ok: boolean;
  detail: string;
  fix?: string;
}

export function checkResult(name: string, status: CheckStatus, detail: string, fix?: string): DoctorCheck {
  return { name, status, ok: status !== 'fail', detail, ...(fix === undefined ? {} : { fix }) };
}

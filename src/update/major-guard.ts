// No unattended jump to a new API major (ops notes §1.4 step 3, §1.10; issue 6). A release's API major is
// the `efm.apiMajor` of its package.json. A candidate whose API major is above the running one's is held
// back unless the operator allowed that major (`efm.update.allowed-api-major`). Our promise to case
// systems is a year in which both majors work, so allowing the new major never cuts a client off; the
// guard makes sure the operator chose the moment. The guard needs no `v` handling: it compares integers
// read from the manifest, not text cut from a tag as the reference did.
export interface MajorGuardInput {
  candidateApiMajor: number;
  /** Undefined when nothing runs yet (first install). */
  currentApiMajor?: number;
  allowedApiMajor?: number;
}

export type MajorGuardResult = { allowed: true } | { allowed: false; reason: string };

export function checkApiMajor(input: MajorGuardInput): MajorGuardResult {
  const { candidateApiMajor: candidate, currentApiMajor: current, allowedApiMajor: allowed } = input;
  if (current !== undefined && candidate <= current) return { allowed: true };
  if (allowed !== undefined && candidate <= allowed) return { allowed: true };
  if (current === undefined && allowed === undefined) return { allowed: true };
  const from = current === undefined ? 'a first install' : `API major ${current}`;
  return {
    allowed: false,
    reason: `the release serves API major ${candidate}, a jump from ${from}; set efm.update.allowed-api-major=${candidate} to allow it`,
  };
}

#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// The `efm` entry point. Before anything else is loaded: a young generation of at most 1 MiB per
// semi-space. The daemon allocates little on the JS heap (payloads are streamed as Buffers, outside it),
// and V8's default lets an idle daemon keep ~16 MiB it does not need (issue 2's idle-memory goal).
// Flags set this early apply to the heap as it grows; the CLI itself loads next.
setFlagsFromString('--max-semi-space-size=1');
setFlagsFromString('--semi-space-growth-factor=1');

// Schedules are Oslo wall-clock time wherever the host is (ops notes §1.7); the job scheduler reads the
// process's local time, which V8 takes from TZ — cheaper than asking ICU for a zone by name.
process.env.TZ = 'Europe/Oslo';

await import('./cli.js');

import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { ANY_FORMAT, SNIFF_BYTES, checkFileFormat } from '../domain/file-format.js';
import { FileFormatNotAllowedError } from '../domain/validation-errors.js';

// Checks a file's format on its leading bytes while it streams: holds back only the first few KiB,
// decides, then lets everything through untouched (or fails the stream before a byte is stored).
// The gate is always a stream of its own, so whoever stops reading it (the store at its size limit)
// destroys the gate and not the source — an HTTP request can still be answered with a 400.
export function formatGate(source: Readable, options: { filename: string; allowed: readonly string[] }): Readable {
  const anyFormat = options.allowed.includes(ANY_FORMAT);
  const held: Buffer[] = [];
  let heldBytes = 0;
  let decided = false;
  const decide = (self: Transform): Error | undefined => {
    decided = true;
    const leading = Buffer.concat(held, heldBytes);
    const check = checkFileFormat({ filename: options.filename, leadingBytes: leading, allowed: options.allowed });
    if (!check.allowed) return new FileFormatNotAllowedError(options.filename, check.reason ?? 'format not allowed');
    self.push(leading);
    held.length = 0;
    return undefined;
  };
  const gate = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (decided || anyFormat) {
        done(null, chunk);
        return;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      done(heldBytes >= SNIFF_BYTES ? decide(this) : undefined);
    },
    flush(done: TransformCallback) {
      done(decided || anyFormat ? undefined : decide(this));
    },
  });
  // The consumer (the store) starts reading only after its own async checks, and a small file can fail
  // the check before then: the error stays on the stream (`gate.errored`, which pipeline reports to the
  // consumer) instead of being thrown at nobody, which would crash the process.
  gate.on('error', () => undefined);
  source.on('error', (err) => gate.destroy(err));
  gate.on('close', () => {
    if (!source.readableEnded) source.unpipe(gate);
  });
  return source.pipe(gate);
}

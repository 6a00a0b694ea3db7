import { Transform, type TransformCallback } from 'node:stream';

// Base64 as a stream: each chunk is encoded up to a multiple of three bytes and the rest carried to the
// next, so the output is exactly the base64 of the whole input, with padding only at its end.

export function createBase64Encoder(): Transform {
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const whole = bytes.length - (bytes.length % 3);
      carry = Buffer.from(bytes.subarray(whole));
      callback(null, whole === 0 ? undefined : Buffer.from(bytes.subarray(0, whole).toString('base64'), 'ascii'));
    },
    flush(callback: TransformCallback) {
      callback(null, carry.length === 0 ? undefined : Buffer.from(carry.toString('base64'), 'ascii'));
    },
  });
}

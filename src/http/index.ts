import type * as Undici from 'undici';

// Outbound HTTP goes through undici, loaded on first use: a daemon that has not called out yet does not
// pay for it in start-up time or idle memory (issue 2's start-up and RSS goals; undici is the largest
// single module we ship).
let loading: Promise<typeof Undici> | undefined;

export function loadUndici(): Promise<typeof Undici> {
  loading ??= import('undici');
  return loading;
}

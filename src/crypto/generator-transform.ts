import { Transform, type TransformCallback } from 'node:stream';

// A Transform whose work is an async generator over the written chunks, for parsers that are far
// simpler written as a pull loop (the CMS reader). Backpressure holds both ways: a written chunk is
// acknowledged only when the generator pulls it, and the generator is not resumed while the readable
// side is full. (Transform's own check does not cover this: it compares the readable length before and
// after the write, and here the output for a chunk comes after its acknowledgement.)

export type ChunkGenerator = (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

export function transformFromGenerator(generator: ChunkGenerator): Transform {
  return new GeneratorTransform(generator);
}

interface Pending {
  chunk: Buffer;
  callback: TransformCallback;
}

class GeneratorTransform extends Transform {
  readonly #generator: ChunkGenerator;
  #pending: Pending | undefined;
  #isEnded = false;
  #isFinished = false;
  #wake: (() => void) | undefined;
  #readable: (() => void) | undefined;
  #pump: Promise<void> | undefined;

  constructor(generator: ChunkGenerator) {
    super();
    this.#generator = generator;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#isFinished) {
      callback();
      return;
    }
    this.#pending = { chunk, callback };
    this.#start();
    this.#signal();
  }

  override _flush(callback: TransformCallback): void {
    this.#isEnded = true;
    this.#start();
    this.#signal();
    void (this.#pump ?? Promise.resolve()).then(() => {
      if (!this.destroyed) callback();
    });
  }

  override _read(size: number): void {
    const readable = this.#readable;
    this.#readable = undefined;
    readable?.();
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#isEnded = true;
    this.#signal();
    const readable = this.#readable;
    this.#readable = undefined;
    readable?.();
    callback(error);
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #start(): void {
    this.#pump ??= this.#run().catch((error: unknown) => {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async #run(): Promise<void> {
    try {
      for await (const output of this.#generator(this.#input())) {
        if (this.destroyed) return;
        if (!this.push(output)) await new Promise<void>((resolve) => { this.#readable = resolve; });
      }
    } finally {
      this.#isFinished = true;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.callback();
    }
  }

  async *#input(): AsyncGenerator<Buffer> {
    for (;;) {
      const pending = this.#pending;
      if (pending !== undefined) {
        this.#pending = undefined;
        pending.callback();
        yield pending.chunk;
      } else if (this.#isEnded) {
        return;
      } else {
        await new Promise<void>((resolve) => { this.#wake = resolve; });
      }
    }
  }
}

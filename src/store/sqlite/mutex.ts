// One sqlite3 Database is one connection: any statement issued while a transaction is open runs inside
// it. Write transactions therefore take turns through this queue, so two async callers never
// interleave between BEGIN and COMMIT.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

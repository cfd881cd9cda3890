// What a starting instance is still loading after it began to answer (the demo data set's referral history and
// slots, say): /health names it, so a newcomer or a monitor can tell "up, still loading" from "up, ready".
export class StartupLoading {
  readonly #pending = new Set<string>();

  /** What is still loading, in the order it began. */
  get pending(): string[] {
    return [...this.#pending];
  }

  /** Runs `work`, listed as loading `what` until it settles (failed or not: the caller logs a failure). */
  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    this.#pending.add(what);
    try {
      return await work();
    } finally {
      this.#pending.delete(what);
    }
  }
}

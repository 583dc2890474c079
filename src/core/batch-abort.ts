/**
 * The stop of a batch of work (downloads, uploads, hashing) that also follows the caller's signal: the
 * first failure stops what is still running (`stop`), and the caller's abort stops it all. The caller's
 * signal holds a listener only while the batch runs (`release` removes it), where `AbortSignal.any`
 * leaves the end of that link to the garbage collector (Node has had leaks there); a program that runs
 * many batches under one long-lived signal keeps nothing of the finished ones. A batch whose pieces run
 * through `attempt` keeps its first failure, stops the rest with it, and throws it from `end` once
 * every piece has settled, so nothing of the batch still runs when its caller hears of the failure.
 */
export class BatchAbort {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  private readonly follow = () => this.controller.abort(this.outer?.reason);

  constructor(private readonly outer?: AbortSignal) {
    if (outer?.aborted) this.follow();
    else outer?.addEventListener("abort", this.follow, { once: true });
  }

  private failure: { reason: unknown } | undefined;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  stop(): void {
    this.controller.abort();
  }

  /**
   * Runs one piece of the batch unless one has failed already; the first failure is kept and stops the
   * rest. Never rejects: its value is undefined for a piece that failed or did not run.
   */
  async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.failure) return undefined;
    try {
      return await work();
    } catch (reason) {
      if (!this.failure) {
        this.failure = { reason };
        this.stop();
      }
      return undefined;
    }
  }

  /** Ends a batch run through `attempt`: releases the caller's signal, and throws the first failure. */
  end(): void {
    this.release();
    if (this.failure) throw this.failure.reason;
  }

  /** Call once the batch is over, however it ended. */
  release(): void {
    this.outer?.removeEventListener("abort", this.follow);
  }
}

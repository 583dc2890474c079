/**
 * The stop of a batch of work (downloads, uploads, hashing) that also follows the caller's signal: the
 * first failure stops what is still running (`stop`), and the caller's abort stops it all. The caller's
 * signal holds a listener only while the batch runs (`release` removes it), where `AbortSignal.any`
 * leaves the end of that link to the garbage collector (Node has had leaks there); a program that runs
 * many batches under one long-lived signal keeps nothing of the finished ones.
 */
export class BatchAbort {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  private readonly follow = () => this.controller.abort(this.outer?.reason);

  constructor(private readonly outer?: AbortSignal) {
    if (outer?.aborted) this.follow();
    else outer?.addEventListener("abort", this.follow, { once: true });
  }

  stop(): void {
    this.controller.abort();
  }

  /** Call once the batch is over, however it ended. */
  release(): void {
    this.outer?.removeEventListener("abort", this.follow);
  }
}

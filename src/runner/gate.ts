/**
 * When suites run concurrently, a step that walks a list page by page must not see other suites' creates and
 * deletes between its pages (totalResults would shift under it). Steps pass through this gate: ordinary steps
 * share it, walks hold it alone. First come, first served, so neither kind waits forever.
 */
export class StepGate {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; grant: () => void }[] = [];

  /** Runs `work` once the gate allows: alongside other shared steps, or alone when `exclusive`. */
  async pass<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      this.waiting.push({ exclusive, grant });
      this.admit();
    });
    try {
      return await work();
    } finally {
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.admit();
    }
  }

  private admit(): void {
    while (this.waiting.length > 0 && !this.exclusive) {
      const next = this.waiting[0]!;
      if (next.exclusive && this.shared > 0) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.grant();
    }
  }
}

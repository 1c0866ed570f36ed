/**
 * Ctrl-C and SIGTERM for commands that must clean up (run, replay, load): the first signal aborts (the command
 * then removes what it created), a second quits at once, and once the work is over a signal exits with the code
 * the shell expects (130 for SIGINT, 143 for SIGTERM) instead of dying by the default signal death.
 */

/** How soon after a first signal a repeat counts as the same one delivered twice. */
const SIGNAL_ECHO_MS = 1_000;

export interface Interrupts {
  signal: AbortSignal;
  /** Set once a signal arrived: 130 (SIGINT) or 143 (SIGTERM). */
  readonly exitCode: number | undefined;
  /** The work is over (cleanup included): from now on a signal exits at once with its code. */
  release(): void;
}

/** `doing`: what the first signal's message says is happening, e.g. "cleaning up what this run created". */
export function watchInterrupts(doing: string): Interrupts {
  const controller = new AbortController();
  let interrupts = 0;
  let firstSignalAt = 0;
  let exitCode: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    // One Ctrl-C can arrive twice: the terminal signals the whole process group, and a wrapper in it (npm exec,
    // npx, npm run) forwards its copy. A repeat within moments is that echo, not the second press that quits.
    if (interrupts > 0 && Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
    interrupts++;
    if (interrupts === 1) firstSignalAt = Date.now();
    // SIGTERM (a cancelled CI job, docker stop) cleans up like Ctrl-C; the exit code says which signal it was.
    if (signal === 'SIGTERM') exitCode = 143;
    exitCode ??= 130;
    if (interrupts > 1) process.exit(exitCode);
    controller.abort(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    const what = signal === 'SIGTERM' ? `terminated (SIGTERM); ${doing} (a second signal quits at once)` : `interrupted; ${doing} (Ctrl-C again to quit at once)`;
    process.stderr.write(`\nscim-check: ${what}\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get exitCode() {
      return exitCode;
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.on('SIGINT', () => process.exit(130));
      process.on('SIGTERM', () => process.exit(143));
    },
  };
}

/**
 * For commands that serve until stopped (serve, record): resolves once SIGINT or SIGTERM arrived and `close`
 * finished, saying which signal stopped `command`.
 */
export function untilStopped(command: string, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`scim-check ${command}: ${signal}, stopping\n`);
      void close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

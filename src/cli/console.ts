import { escapeControls } from '../reporters/control-chars.js';

/**
 * What `check` says on stderr besides its report: notes and warnings (silenced by --quiet), details for --verbose,
 * and a one-line progress indicator that only a terminal gets. Errors do not pass through here: they end the run
 * (see main.ts), and --quiet never hides them.
 */
export interface Console {
  note(message: string): void;
  warn(message: string): void;
  verbose(message: string): void;
  /** Replaces the progress line; shown only on a terminal, and neither with --quiet nor with --verbose (which says more). */
  progress(message: string): void;
  /** Clears the progress line, so what follows starts on a clean line. */
  endProgress(): void;
}

export interface ErrorStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export function createConsole(stream: ErrorStream, opts: { readonly quiet?: boolean; readonly verbose?: boolean }): Console {
  const quiet = opts.quiet === true;
  const verbose = opts.verbose === true && !quiet;
  const showProgress = stream.isTTY === true && !quiet && !verbose;
  let progressShown = false;
  const endProgress = () => {
    if (progressShown) stream.write('\r\x1b[K');
    progressShown = false;
  };
  const line = (text: string) => {
    endProgress();
    stream.write(`edge-audit: ${escapeControls(text)}\n`); // one line, whatever a file name or comment holds
  };
  return {
    note: (m) => {
      if (!quiet) line(m);
    },
    warn: (m) => {
      if (!quiet) line(`warning: ${m}`);
    },
    verbose: (m) => {
      if (verbose) line(m);
    },
    progress: (m) => {
      if (!showProgress) return;
      const width = (stream.columns || 80) - 1; // a pseudo-terminal may report 0 columns
      const text = escapeControls(m);
      stream.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      progressShown = true;
    },
    endProgress,
  };
}

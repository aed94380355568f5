import type { CallSummary } from '../../calls';

/** What every view of the page offers the shell. */
export interface View {
  /** The page title and the view's heading. */
  title: string;
  /** Reads the view's data again: when shown, and after the feed said something changed. */
  refresh(): Promise<void>;
  /** A request arrived or was answered (the requests view adds it at once, without a refresh). */
  onRequest?(request: CallSummary): void;
}

/** Builds a view into `main` for the route's remaining segments. */
export type ViewFactory = (main: HTMLElement, args: string[]) => View;

// The page's elements the app is mounted in (index.html's, found by src/main.ts): each part of the
// controller draws into its own.
export interface AppElements {
  panel: HTMLElement;
  /** Where the run controls go (the play/pause toggle, one step, reset), beside the status line. */
  runBar: HTMLElement;
  quickSettings: HTMLElement;
  status: HTMLElement;
  /** Warnings and errors (role="alert"). */
  message: HTMLElement;
  /** Information: a loaded file, a setting adjusted to fit. */
  notice: HTMLElement;
  /** The run bar's GPU vs CPU answer. */
  verdict: HTMLElement;
  /** The first screen: the network diagram, the main output and the loss plot (`plots`). */
  stage: HTMLElement;
  plots: HTMLElement;
  views: HTMLElement;
}

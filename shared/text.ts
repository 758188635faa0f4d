// Plain-text helpers shared by the engine and the UI.

/** Removes terminal escape sequences (colours, cursor moves, OSC titles). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g, '');
}

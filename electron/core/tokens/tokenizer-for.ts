// Which tokenizer a call is checked and shown with: the embedded scripted model's calls with the one
// it answers with (the setting at start); a remote connection's with its own (Settings →
// Connections), else the tokenizer setting as it is now; null everywhere means Qwen3's, bundled.

export interface TokenizerSettings {
  /** The `tokenizer` setting now. */
  setting: string | null;
  /** The tokenizer the embedded scripted model answers with. */
  scripted: string | null;
}

/** `upstreamId` null: the scripted model; `own`: a connection's own tokenizer, if it has one. */
export function tokenizerFor(
  upstreamId: string | null,
  own: (id: string) => string | null,
  s: TokenizerSettings,
): string | null {
  if (upstreamId === null) return s.scripted;
  return own(upstreamId) ?? s.setting;
}

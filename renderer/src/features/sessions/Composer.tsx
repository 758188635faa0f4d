// The message box of a session driven here: Ctrl+Enter or Send runs a turn; what was typed stays
// until the turn is accepted.
import { useState } from 'react';
import { useStoreApi } from '../../store/use-store.ts';
import { sendMessage } from './actions.ts';

export function Composer({ sessionKey }: { sessionKey: string }) {
  const store = useStoreApi();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    const ok = await sendMessage(store, sessionKey, text);
    setBusy(false);
    if (ok) setText('');
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Message to this session (Ctrl+Enter to send)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" disabled={busy || !text.trim()}>
        {busy ? 'Running…' : 'Send'}
      </button>
    </form>
  );
}

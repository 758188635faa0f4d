// Settings → Connections → each connection used so far, with the tokenizer its calls are checked
// and shown with: its own (a model dir or tokenizer.json), else the tokenizer setting's. The
// embedded scripted model answers with the tokenizer set at start, so it has no field.
import { useEffect, useState } from 'react';
import type { UpstreamConnection } from '../../../../shared/rollouts.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { setConnectionTokenizer } from './actions.ts';
import { useUpstreams } from './use-upstreams.ts';

function ConnectionRow({ c, onSaved }: { c: UpstreamConnection; onSaved(list: UpstreamConnection[]): void }) {
  const store = useStoreApi();
  const [value, setValue] = useState(c.tokenizer ?? '');
  // a save elsewhere changes what is shown only while this field is untouched
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) setValue(c.tokenizer ?? '');
  }, [c.tokenizer, touched]);
  const save = async (next: string | null) => {
    const list = await setConnectionTokenizer(store, c.id, next);
    if (list) {
      setTouched(false);
      onSaved(list);
    }
  };
  return (
    <li className="row" data-testid="connection-tokenizer">
      <span className="small">{c.label}</span>
      <input
        aria-label={`Tokenizer of ${c.label}`}
        placeholder="the tokenizer setting's"
        value={value}
        onChange={(e) => {
          setTouched(true);
          setValue(e.target.value);
        }}
      />
      <button type="button" onClick={() => void save(value.trim() || null)}>
        Save
      </button>
    </li>
  );
}

export function ConnectionTokenizers() {
  const store = useStoreApi();
  const loaded = useUpstreams((m) => store.getState().setNotice(m, 'error'));
  const [list, setList] = useState<UpstreamConnection[] | null>(null);
  const shown = (list ?? loaded).filter((c) => c.baseUrl !== null);
  if (shown.length === 0) return null;
  return (
    <details>
      <summary>Tokenizer per connection ({shown.length} used so far)</summary>
      <p className="muted small">
        A connection&apos;s calls are checked and shown with its own tokenizer, else the one above. Empty: the one
        above.
      </p>
      <ul className="plain">
        {shown.map((c) => (
          <ConnectionRow key={c.id} c={c} onSaved={setList} />
        ))}
      </ul>
    </details>
  );
}

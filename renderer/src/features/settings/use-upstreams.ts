// The upstream connections a fork or a replay may use (Settings → Connections, and every one used).
import { useEffect, useState } from 'react';
import type { UpstreamConnection } from '../../../../shared/rollouts.ts';
import { useStoreApi } from '../../store/use-store.ts';

export function useUpstreams(onError: (message: string) => void): UpstreamConnection[] {
  const store = useStoreApi();
  const [list, setList] = useState<UpstreamConnection[]>([]);
  useEffect(() => {
    void store
      .getState()
      .api.invoke('upstreams:list', {})
      .then(setList)
      .catch((e: Error) => onError(`Loading the connections failed: ${e.message}`));
    // loaded once per mount: onError may be a fresh closure on every render
  }, [store]);
  return list;
}

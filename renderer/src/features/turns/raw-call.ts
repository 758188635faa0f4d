// The x key (and its palette command): the selected call of the turn in view — its first when none
// is chosen — opened on its raw request and response.
import { selectedCall, type State } from '../../store/store.ts';

export function openRawCall(st: State): boolean {
  const callId = selectedCall(st);
  if (!callId) return false;
  st.setRawCall(callId);
  st.navigate({ tab: 'calls', callId });
  return true;
}

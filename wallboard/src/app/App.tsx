import { LiveBoard } from "./LiveBoard";
import { NoKeyBoard } from "./NoKeyBoard";
import { useDisplayKey } from "./useDisplayKey";

export function App() {
  const key = useDisplayKey();
  // A new key (the fragment was edited) starts a fresh board: new connection, new state.
  return key ? <LiveBoard key={key} secret={key} /> : <NoKeyBoard />;
}

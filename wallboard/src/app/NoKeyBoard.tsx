import { StatusBar } from "../features/status-bar/StatusBar";
import { BoardLayout } from "./BoardLayout";
import { boardUrlExample } from "./displayKey";
import { Notice } from "./Notice";

/** Without a key there is nothing to ask the server: say how to open the board. */
export function NoKeyBoard() {
  const example = boardUrlExample(window.location.origin);
  return (
    <BoardLayout statusBar={<StatusBar connection="disconnected" />}>
      <div className="board__single">
        <Notice tone="info" title="This board needs a display key" testId="no-key">
          <p>
            Open it as <code className="notice__url">{example}</code>
          </p>
          <p className="notice__hint">
            The key goes after <code>#key=</code> in the address (the fragment), never after <code>?</code>: browsers do not send the
            fragment to the server, so the secret stays out of its logs. Ask an administrator for a DISPLAY key. Choose the team with
            the query string, e.g. <code>/?products=ERP,CRM&amp;levels=L1&amp;severities=CRITICAL,HIGH#key=…</code>
          </p>
        </Notice>
      </div>
    </BoardLayout>
  );
}

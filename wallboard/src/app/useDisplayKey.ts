import { useSyncExternalStore } from "react";
import { readDisplayKey } from "./displayKey";

const subscribe = (onChange: () => void) => {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
};

/** The DISPLAY key in the page's fragment, following edits of the fragment. */
export function useDisplayKey(): string | null {
  return useSyncExternalStore(subscribe, () => readDisplayKey(window.location.hash));
}

import { useEffect, useState } from "react";

const read = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

/** The root font size in px (it scales with the screen): for drawings that need px, like charts. */
export function useRootPx(): number {
  const [px, setPx] = useState(read);
  useEffect(() => {
    const onResize = () => setPx(read());
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  return px;
}

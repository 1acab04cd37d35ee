/**
 * The DISPLAY key travels in the URL fragment (`/#key=<secret>`): browsers never send the
 * fragment to a server, so the secret stays out of access logs and Referer headers.
 */

/** The key in a location hash ("#key=…", possibly among other `name=value` pairs), or null. */
export function readDisplayKey(hash: string): string | null {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of fragment.split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq) !== "key") continue;
    const raw = part.slice(eq + 1);
    let value: string;
    try {
      // decodeURIComponent (unlike URLSearchParams) keeps "+" as "+": secrets may be base64.
      value = decodeURIComponent(raw);
    } catch {
      value = raw;
    }
    value = value.trim();
    return value === "" ? null : value;
  }
  return null;
}

/** The URL an operator should open, shown when the key is missing. */
export function boardUrlExample(origin: string): string {
  return `${origin}/#key=<DISPLAY key secret>`;
}

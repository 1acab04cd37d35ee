/**
 * Webhook deliveries: one HTTP POST of a JSON body, signed with HMAC-SHA256 under the
 * endpoint's secret (`X-Atalaya-Signature-256: sha256=<hex>` over the exact body bytes).
 * `X-Atalaya-Delivery` is the delivery's id, the same on every attempt, so a receiver drops
 * what it has already processed. Any 2xx is delivered; anything else, a timeout or a refused
 * connection is an attempt that failed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-atalaya-signature-256";
export const DELIVERY_HEADER = "x-atalaya-delivery";
export const EVENT_HEADER = "x-atalaya-event";

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** For receivers (and tests): constant-time check of a signature header. */
export function verify(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(secret, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
}

export async function postWebhook(req: WebhookRequest, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "Atalaya-Webhooks/1",
        [DELIVERY_HEADER]: req.deliveryId,
        [EVENT_HEADER]: req.eventType,
        [SIGNATURE_HEADER]: sign(req.secret, req.body),
      },
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") throw new Error(`no answer within ${timeoutMs} ms`);
    throw new Error(e.cause?.code ?? e.cause?.message ?? e.message);
  }
  // read (and drop) the body so the connection is released; bounded by the same timeout
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
}

/** Input checks shared by services; each refusal names the field and what would be accepted. */
import { DomainError } from "../../domain/errors.js";

export function text(value: string | null | undefined, field: string, opts: { max: number; min?: number }): string {
  const v = (value ?? "").trim();
  const min = opts.min ?? 1;
  if (v.length < min) throw new DomainError("BAD_USER_INPUT", `${field} must not be empty`, { field });
  if (v.length > opts.max) throw new DomainError("BAD_USER_INPUT", `${field} is too long (${v.length} characters; at most ${opts.max})`, { field });
  return v;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === "") return null;
  if (v.length > max) throw new DomainError("BAD_USER_INPUT", `${field} is too long (${v.length} characters; at most ${max})`, { field });
  return v;
}

// Deliberately plain: one @, no spaces, a dot in the domain. Mail servers have the last word.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function email(value: string | null | undefined, field: string, required: boolean): string | null {
  const v = optionalText(value, field, 254);
  if (v === null) {
    if (required) throw new DomainError("BAD_USER_INPUT", `${field} is required`, { field });
    return null;
  }
  if (!EMAIL.test(v)) throw new DomainError("BAD_USER_INPUT", `${field} "${v}" is not a valid e-mail address`, { field });
  return v;
}

/** Maps a unique-constraint violation from the database to CONFLICT; rethrows anything else. */
export function uniqueViolation(err: unknown, message: string): never {
  if ((err as { code?: string } | null)?.code === "23505") throw new DomainError("CONFLICT", message);
  throw err;
}

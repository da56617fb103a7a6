// Password hashing (Argon2id via oslo) and the password policy (PW-1..PW-4).
import { availableParallelism } from "node:os";
import { Argon2id } from "oslo/password";
import { createConcurrencyLimit } from "../lib/concurrency-limit.ts";
import { isCommonPassword } from "./common-passwords.ts";
import type { AuthFailure } from "./context.ts";

// PW-1: OWASP's Argon2id floor. oslo also NFKC-normalizes the password before hashing (PW-4).
export const ARGON2_MEMORY_KIB = 19456;
export const ARGON2_ITERATIONS = 2;
export const ARGON2_PARALLELISM = 1;
// PW-2: long passphrases must fit; above this we refuse rather than hash megabytes.
export const PASSWORD_MAX_LENGTH = 256;

const argon2id = new Argon2id({
  memorySize: ARGON2_MEMORY_KIB,
  iterations: ARGON2_ITERATIONS,
  parallelism: ARGON2_PARALLELISM,
});

// Hashes run on worker threads, but each is ~25 ms of pure CPU. Left unbounded, a burst of
// sign-ins puts several hashing threads on the cores the event loop needs and every socket
// waits; one hash per spare core (at least one) keeps the loop responsive and bounds the memory
// (19 MiB each) a burst can take. Hashes past the limit queue; the throughput on a busy
// machine is the same.
const ARGON2_CONCURRENCY = Math.max(1, availableParallelism() - 1);
const limitHashing = createConcurrencyLimit(ARGON2_CONCURRENCY);

/** Hashes a password with the current Argon2id parameters (off the event loop). */
export function hashPassword(password: string): Promise<string> {
  return limitHashing(() => argon2id.hash(password));
}

/** True when `password` matches `hash`; false for a wrong password or an unreadable hash. */
export async function verifyPasswordHash(hash: string, password: string): Promise<boolean> {
  try {
    return await limitHashing(() => argon2id.verify(hash, password));
  } catch {
    return false;
  }
}

/** True when a stored hash was made with weaker parameters than today's (PW-1 re-hash). */
export function needsRehash(hash: string): boolean {
  const match = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
  if (!match) return true;
  const [, version, memory, iterations, parallelism] = match.map(Number);
  return (
    version !== 19 ||
    (memory ?? 0) < ARGON2_MEMORY_KIB ||
    (iterations ?? 0) < ARGON2_ITERATIONS ||
    parallelism !== ARGON2_PARALLELISM
  );
}

/** Checks a new password against the policy; null when it is acceptable. */
export function checkPasswordPolicy(password: string, username: string, minLength: number): AuthFailure | null {
  // Length in code points, as typed: no truncation and no composition rules (PW-2).
  const length = [...password.normalize("NFKC")].length;
  if (length < minLength) {
    return { code: "password_too_short", message: `Use at least ${minLength} characters.` };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { code: "password_too_long", message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  if (isCommonPassword(password)) {
    return { code: "password_common", message: "This password is one of the most common ones; choose another." };
  }
  if (password.normalize("NFKC").toLowerCase() === username.toLowerCase()) {
    return { code: "password_is_username", message: "The password must not be the username." };
  }
  return null;
}
